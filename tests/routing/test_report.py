"""The routing report from rows: who settled the decisions, the cost against the largest tier, QC accuracy."""
from datetime import timedelta

import pytest
from django.utils import timezone

from appliance.review.models import FieldCorrection
from appliance.routing import report
from extraction.slm.registry import ModelSpec, Registry


def test_shares_count_rules_models_and_people(make_document, user_of):
    now = timezone.now()
    make_document(fields=[("rule", "accepted"), ("rule", "accepted"), ("slm", "accepted"), ("llm", "accepted")],
                  created_at=now - timedelta(days=2))
    doc = make_document(fields=[("rule", "needs_review"), ("slm", "accepted"), ("human", "accepted"),
                                ("rule", "accepted")], created_at=now - timedelta(days=1))
    # A reviewer confirmed f3 (method stays "rule"): it was settled by a person.
    FieldCorrection.objects.create(document=doc, field_name="f3", doc_type="receipt", action="accepted",
                                   before="v", after="v", confidence=0.9, method="rule", reviewer=user_of("reviewer"))
    make_document(fields=[("rule", "accepted")], created_at=now - timedelta(days=40))  # outside the period

    data = report.routing_report(days=30, bucket="day")["decisions"]
    assert data["decisions"] == 8
    assert data["counts"] == {"rule": 2, "slm": 2, "llm": 1, "human": 2, "pending": 1}
    assert data["shares"] == {"rule": 0.25, "slm": 0.25, "llm": 0.125, "human": 0.375}
    assert len(data["series"]) == 2
    first, second = data["series"]
    assert first["counts"]["rule"] == 2 and first["shares"]["llm"] == 0.25
    assert second["shares"]["human"] == 0.75


def test_cost_against_the_largest_tier(make_document, monkeypatch):
    from audit.events import record

    registry = Registry([
        ModelSpec(name="small", kind="generator", path="small", tier="slm", cost_per_1k_tokens=1.0),
        ModelSpec(name="big", kind="generator", path="big", tier="llm", cost_per_1k_tokens=10.0),
        ModelSpec(name="enc", kind="encoder", path="enc", tier="slm", cost_per_1k_tokens=0.05, prompt_format="none"),
    ])
    monkeypatch.setattr(report, "_registry", lambda: registry)
    a = make_document(text="x" * 400)  # 100 tokens of text
    b = make_document(text="y" * 40)  # 10 tokens of text
    record("classified", document=a, system={"model": "enc"}, tokens=2000)
    record("field_extracted", document=a, system={"model": "small"}, tokens=1000)
    record("field_extracted", document=b, system={"model": "big"}, tokens=500)
    record("field_extracted", document=b, system={"model": "rules"})

    cost = report.routing_report(days=30)["cost"]
    assert cost["documents"] == 2
    assert cost["tokens"] == 3500
    # 2000 x 0.05 + 1000 x 1 + 500 x 10, per 1k tokens
    assert cost["cost"] == pytest.approx(0.1 + 1.0 + 5.0)
    assert cost["baseline_model"] == "big" and cost["baseline_tier"] == "llm"
    # a: max(3000 recorded, 100 text); b: max(500, 10) -> 3500 tokens at 10 per 1k
    assert cost["baseline_tokens"] == 3500
    assert cost["baseline_cost"] == pytest.approx(35.0)
    assert cost["saving"] == pytest.approx(1 - 6.1 / 35.0, abs=1e-4)
    assert cost["by_model"]["small"] == {"tokens": 1000, "cost": 1.0, "cost_per_1k": 1.0}


def test_baseline_counts_documents_no_model_read(make_document, monkeypatch):
    registry = Registry([ModelSpec(name="big", kind="generator", path="big", tier="llm", cost_per_1k_tokens=4.0)])
    monkeypatch.setattr(report, "_registry", lambda: registry)
    make_document(text="z" * 4000)
    cost = report.routing_report(days=30)["cost"]
    assert cost["cost"] == 0 and cost["baseline_tokens"] == 1000 and cost["baseline_cost"] == pytest.approx(4.0)
    assert cost["saving"] == 1.0


def test_qc_accuracy_from_the_sample(make_document, user_of):
    reviewer = user_of("reviewer")

    def decide(doc, name, action, after="v", reasons=()):
        FieldCorrection.objects.create(document=doc, field_name=name, doc_type="receipt", action=action, before="v",
                                       after=after, confidence=0.95, method="rule", reasons=list(reasons),
                                       reviewer=reviewer)

    sampled = make_document(reasons=["qc_sample"], fields=[("rule", "accepted")] * 3)
    decide(sampled, "f0", "accepted")
    decide(sampled, "f1", "corrected", after="w")
    decide(sampled, "f2", "accepted")
    other = make_document(reasons=["qc_sample"], fields=[("rule", "accepted")])
    decide(other, "f0", "corrected", after="v")  # "corrected" to the same value: it was right
    decide(other, "f9", "corrected", after="x", reasons=["low_confidence"])  # escalated, not automated work
    not_sampled = make_document(reasons=["low_confidence"], fields=[("rule", "needs_review")])
    decide(not_sampled, "f0", "corrected", after="w")
    make_document(reasons=["qc_sample"])  # not reviewed yet

    qc = report.routing_report(days=30)["qc"]
    assert qc["documents"] == 3
    assert qc["reviewed_documents"] == 2
    assert qc["auto_accepted_checked"] == 4
    assert qc["correct"] == 3
    assert qc["accuracy"] == 0.75
    assert qc["corrections_recorded"] is True


def test_empty_period(db):
    data = report.routing_report(days=7)
    assert data["decisions"]["decisions"] == 0
    assert data["qc"]["accuracy"] is None
    assert data["cost"]["documents"] == 0
