"""The queue: who may see it, what is in it, in which order, and its filters."""
import pytest
from django.test import Client

from appliance.documents.models import Document, DocumentType
from appliance.review.models import ReviewLock
from tests.review.conftest import days_ago, doc_type


@pytest.mark.django_db
def test_anonymous_is_sent_to_login():
    response = Client().get("/review/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_clerk_is_refused(clerk, client_for):
    assert client_for(clerk).get("/review/").status_code == 403


@pytest.mark.django_db
def test_auditor_without_review_permission_is_refused(make_user, client_for):
    assert client_for(make_user("auditor")).get("/review/").status_code == 403


@pytest.mark.django_db
def test_queue_holds_own_team_needs_review_documents_oldest_first(reviewer, client_for, review_document):
    newer = review_document(filename="newer.pdf", created_at=days_ago(1))
    older = review_document(filename="older.pdf", created_at=days_ago(3))
    review_document(filename="finished.pdf", status=Document.Status.DONE)
    review_document(filename="other-team.pdf", team="other")
    response = client_for(reviewer).get("/review/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "older.pdf" in body and "newer.pdf" in body
    assert body.index("older.pdf") < body.index("newer.pdf")
    assert "finished.pdf" not in body and "other-team.pdf" not in body
    assert [row["document"] for row in response.context["rows"]] == [older, newer]


@pytest.mark.django_db
def test_queue_shows_document_and_field_reasons(reviewer, client_for, review_document):
    review_document(reasons=["rule_failed"])
    body = client_for(reviewer).get("/review/").content.decode()
    assert "rule_failed" in body
    assert "issuer" in body and "low_confidence" in body
    assert "amount" in body and "validation_failed" in body


@pytest.mark.django_db
def test_admin_sees_every_team(make_user, client_for, review_document):
    review_document(filename="a.pdf", team="alpha")
    review_document(filename="b.pdf", team="beta")
    body = client_for(make_user("admin", team="alpha")).get("/review/").content.decode()
    assert "a.pdf" in body and "b.pdf" in body


@pytest.mark.django_db
def test_filters_by_type_reason_and_date(reviewer, client_for, review_document):
    receipt = DocumentType.objects.filter(name="receipt").first() or doc_type("receipt")
    invoice_doc = review_document(filename="inv.pdf", reasons=["rule_failed"], created_at=days_ago(10))
    receipt_doc = review_document(filename="rec.pdf", reasons=["unknown_type"], created_at=days_ago(1))
    receipt_doc.doc_type = receipt
    receipt_doc.save()
    client = client_for(reviewer)

    def names(**params):
        return [row["document"].original_filename for row in client.get("/review/", params).context["rows"]]

    assert names(doc_type="receipt") == ["rec.pdf"]
    assert names(reason="rule_failed") == ["inv.pdf"]
    assert names(reason="low_confidence") == ["inv.pdf", "rec.pdf"]  # a field's reason, once per document
    assert names(uploaded_from=days_ago(2).date().isoformat()) == ["rec.pdf"]
    assert names(uploaded_to=days_ago(5).date().isoformat()) == ["inv.pdf"]
    assert invoice_doc.pk


@pytest.mark.django_db
@pytest.mark.parametrize("params, named", [
    ({"reason": "no_longer_in_the_queue"}, "reason"),
    ({"doc_type": "no-such-type"}, "doc_type"),
    ({"uploaded_from": "2024-02-30"}, "uploaded_from"),
    ({"uploaded_to": "a\x00" + "9" * 100_000}, "uploaded_to"),
])
def test_a_filter_that_is_not_valid_is_named_as_ignored(reviewer, client_for, review_document, params, named):
    review_document(filename="inv.pdf")
    response = client_for(reviewer).get("/review/", params)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Some filters are not valid and were ignored" in body
    assert f"* {named}" in body
    assert [row["document"].original_filename for row in response.context["rows"]] == ["inv.pdf"]


@pytest.mark.django_db
def test_queue_names_who_is_reviewing(reviewer, make_user, client_for, review_document):
    document = review_document()
    other = make_user("reviewer", username="rita")
    ReviewLock.acquire(document, other)
    body = client_for(reviewer).get("/review/").content.decode()
    assert "being reviewed by rita" in body


@pytest.mark.django_db
def test_next_document_skips_documents_locked_by_others(reviewer, make_user, client_for, review_document):
    first = review_document(filename="first.pdf", created_at=days_ago(3))
    second = review_document(filename="second.pdf", created_at=days_ago(2))
    ReviewLock.acquire(first, make_user("reviewer", username="rita"))
    response = client_for(reviewer).get("/review/next/")
    assert response["Location"] == f"/review/{second.pk}/"
