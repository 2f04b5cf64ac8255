"""The routing dashboard and its API: who may see them, and that the plots are inline SVG."""
import re

import pytest
from django.urls import reverse

from appliance.routing import svg
from appliance.routing.models import CalibrationRun

PASSWORD = "pw-for-tests-1"


def _run():
    return CalibrationRun.objects.create(
        target=0.99, min_samples=20, source="gold", source_detail="gold.jsonl + pred.jsonl",
        curves={"fields": {"receipt.total": [
                    {"threshold": 0.9, "accepted": 10, "correct": 10, "automation": 0.4, "precision": 1.0},
                    {"threshold": 0.7, "accepted": 20, "correct": 19, "automation": 0.8, "precision": 0.95}]},
                "overall": [{"target": 0.9, "automation": 0.8, "precision": 0.95},
                            {"target": 0.99, "automation": 0.4, "precision": 1.0}]},
        thresholds={"receipt": {"total": 0.9}},
        fields=[{"doc_type": "receipt", "field": "total", "samples": 25, "gold": 25, "previous": 0.9, "threshold": 0.9,
                 "status": "calibrated", "automation": 0.4, "precision": 1.0, "accepted": 10, "correct": 10}],
        overall={"automation": 0.4, "precision": 1.0, "gold": 25}, applied=True,
    )


@pytest.mark.parametrize("role", ["admin", "auditor", "reviewer"])
def test_dashboard_for_allowed_roles(client, user_of, make_document, role):
    make_document(fields=[("rule", "accepted"), ("slm", "needs_review")])
    _run()
    client.force_login(user_of(role))
    response = client.get(reverse("routing:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<svg") == 3
    assert 'class="calibration-plot"' in body and 'class="shares-plot"' in body and 'class="cost-plot"' in body
    assert 'class="field-curve"' in body and 'class="overall-curve"' in body
    assert "receipt.total" in body
    assert "<script" not in body.split("<main", 1)[1]  # plots are drawn on the server
    assert "http://" not in re.sub(r'xmlns="http://www.w3.org/2000/svg"', "", body)  # nothing fetched from elsewhere


def test_dashboard_without_calibration(client, user_of):
    client.force_login(user_of("auditor"))
    response = client.get(reverse("routing:dashboard"), {"days": "7", "bucket": "week"})
    assert response.status_code == 200
    assert "No calibration yet" in response.content.decode()


def test_dashboard_refuses_clerks_and_anonymous(client, user_of):
    response = client.get(reverse("routing:dashboard"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(user_of("clerk"))
    assert client.get(reverse("routing:dashboard")).status_code == 403


@pytest.mark.parametrize("role", ["admin", "auditor", "reviewer"])
def test_api_report_and_calibration(api_client, user_of, make_document, role):
    make_document(fields=[("rule", "accepted"), ("llm", "accepted")])
    _run()
    client = api_client(user_of(role))
    response = client.get("/api/v1/routing/report/", {"days": 30})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"period", "decisions", "cost", "qc"}
    assert data["decisions"]["shares"]["rule"] == 0.5 and data["decisions"]["shares"]["llm"] == 0.5
    response = client.get("/api/v1/routing/calibration/")
    assert response.status_code == 200
    data = response.json()
    assert data["latest"]["thresholds"] == {"receipt": {"total": 0.9}}
    assert "receipt.total" in data["latest"]["curves"]["fields"]
    assert len(data["runs"]) == 1 and "curves" not in data["runs"][0]


def test_api_refuses_clerks_and_anonymous(api_client, user_of):
    assert api_client(None).get("/api/v1/routing/report/").status_code == 401
    clerk = api_client(user_of("clerk"))
    assert clerk.get("/api/v1/routing/report/").status_code == 403
    assert clerk.get("/api/v1/routing/calibration/").status_code == 403


def test_svg_escapes_labels_and_handles_empty_input():
    plot = svg.calibration_plot({"fields": {"<b>x</b>.y": [{"threshold": 0.5, "automation": 0.5, "precision": 0.9}]},
                                 "overall": []}, 0.99)
    assert "<b>" not in plot and "&lt;b&gt;" in plot
    assert svg.shares_plot([]).startswith("<svg") and "No decisions" in svg.shares_plot([])
    assert svg.cost_plot({"cost": 0, "baseline_cost": 0}).startswith("<svg")
