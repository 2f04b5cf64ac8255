"""Auditor pages: who may see them, the decision timeline, highlighted evidence, chain status."""
import pytest

from audit import signing
from audit.events import record
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

AUDITOR_PAGES = ["/audit/", "/audit/documents/00000000-0000-4000-8000-000000000001/", "/audit/export/"]


@pytest.mark.parametrize("url", AUDITOR_PAGES)
@pytest.mark.parametrize("role", ["clerk", "reviewer"])
def test_clerks_and_reviewers_are_refused(client, make_user, role, url):
    client.force_login(make_user(role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", AUDITOR_PAGES)
def test_anonymous_users_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_auditors_and_admins_see_the_log_with_its_chain_status(client, make_user, role):
    record("login_failed", outcome="denied")
    client.force_login(make_user(role))
    response = client.get("/audit/")
    assert response.status_code == 200
    assert b"Audit chain never verified yet" in response.content
    client.post("/audit/verify/")
    assert b"Audit chain intact" in client.get("/audit/").content


def test_filters(client, auditor, make_document):
    document = make_document()
    record("classified", document=document, system={"model": "tiny-model"}, outcome="ok")
    record("classified", system={"model": "other-model"}, outcome="failed")
    client.force_login(auditor)
    rows = client.get("/audit/", {"model": "tiny-model"}).context["rows"]
    assert [row["event"].model for row in rows] == ["tiny-model"]
    rows = client.get("/audit/", {"document": str(document.pk), "kind": "classified"}).context["rows"]
    assert len(rows) == 1
    rows = client.get("/audit/", {"outcome": "failed", "kind": "classified"}).context["rows"]
    assert [row["event"].model for row in rows] == ["other-model"]
    rows = client.get("/audit/", {"user": auditor.username}).context["rows"]
    assert all(row["event"].actor_user_id == auditor.pk for row in rows)


def test_timeline_explains_each_field_and_highlights_its_evidence(client, auditor, make_document):
    text = "Invoice 2024-17 for Jane Roe, total 1,200.00 EUR."
    document = make_document(pages=(text,))
    name = text.index("Jane Roe")
    document.pii_spans = [{"page": 1, "start": name, "end": name + 8, "type": "PERSON", "placeholder": "<PERSON_1>"}]
    document.save(update_fields=["pii_spans"])
    start = text.index("1,200.00")
    model = {"model": "qwen2.5-3b", "version": "2024-09", "quantisation": "int8", "device": "cpu"}
    record("field_extracted", document=document, system=model, field="total",
           candidates=[{"value": "1,200.00", "score": 0.93}, {"value": "2024", "score": 0.05}],
           evidence=[{"page": 1, "start": start, "end": start + 8}], confidence=0.93)
    record("routed", document=document, route="auto_accept", reason="all_fields_valid")
    client.force_login(auditor)
    response = client.get(f"/audit/documents/{document.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Model qwen2.5-3b 2024-09 (int8, cpu) gave field “total” its value, choosing among 2 candidate(s)" in page
    assert "Confidence 93%" in page
    assert "routed to auto_accept" in page and "every field was extracted and valid" in page
    assert '<mark class="evidence" title="ev1-0">1,200.00</mark>'.replace("ev1", f"ev{response.context['timeline'][0]['event'].seq}") in page
    assert "Jane" not in page and "&lt;PERSON_1&gt;" in page
    assert [f["field"] for f in response.context["fields"]] == ["total"]


def test_timeline_never_shows_a_page_that_is_not_redacted_yet(client, auditor, make_document):
    document = make_document(pages=("Patient Jane Roe",))
    document.pages.update(redacted_text="")
    record("text_extracted", document=document)
    client.force_login(auditor)
    page = client.get(f"/audit/documents/{document.pk}/").content.decode()
    assert "Jane" not in page and "has not been redacted yet" in page


def test_broken_chain_raises_the_alarm(client, auditor, settings):
    from django.db import connection

    from audit import triggers
    from audit.verify import verify_and_store

    event = record("login_failed")
    with connection.cursor() as cursor:
        for statement in triggers.drop_statements(connection.vendor):
            cursor.execute(statement)
        cursor.execute("UPDATE audit_auditevent SET outcome = 'x' WHERE id = %s", [event.pk])
    verify_and_store()
    client.force_login(auditor)
    page = client.get("/audit/").content.decode()
    assert f"Audit chain BROKEN at event #{event.seq}" in page


def test_signed_head_is_shown(client, auditor):
    record("login_failed")
    signature = signing.sign_head()
    client.force_login(auditor)
    assert f"Head #{signature.seq} signed".encode() in client.get("/audit/").content
    assert AuditEvent.objects.exists()
