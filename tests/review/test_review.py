"""The review page without JavaScript: lock, accept / correct / reject, document type, finishing, audit."""
from datetime import timedelta

import pytest
from django.utils import timezone

from appliance.documents.models import Document, ExampleDocument, ExtractedField
from appliance.review.models import FieldCorrection, ReviewLock
from audit.events import digest
from audit.models import AuditEvent
from tests.review.conftest import doc_type


def _field(document, name):
    return ExtractedField.objects.get(document=document, name=name)


def _post(client, document, name, action, value=""):
    fld = _field(document, name)
    return client.post(f"/review/{document.pk}/fields/{fld.pk}/", {"action": action, "value": value})


@pytest.mark.django_db
def test_clerk_cannot_open_or_act(clerk, client_for, review_document):
    document = review_document()
    client = client_for(clerk)
    assert client.get(f"/review/{document.pk}/").status_code == 403
    assert _post(client, document, "issuer", "accept").status_code == 403
    assert _field(document, "issuer").status == "needs_review"


@pytest.mark.django_db
def test_other_teams_document_is_not_found(make_user, client_for, review_document):
    document = review_document(team="other")
    assert client_for(make_user("reviewer")).get(f"/review/{document.pk}/").status_code == 404


@pytest.mark.django_db
def test_review_page_shows_fields_reasons_and_redacted_text(reviewer, client_for, review_document):
    document = review_document()
    response = client_for(reviewer).get(f"/review/{document.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    for expected in ("issuer", "ACME Tools", "low_confidence", "validation_failed", "0.41", "&lt;PERSON_1&gt;"):
        assert expected in body
    # Personal data is neither in the text nor in the personal field's value.
    assert "Jane Roe" not in body and "DE89370400440532013000" not in body
    assert "&lt;IBAN_CODE_1&gt;" in body
    # The page picture with evidence boxes over it.
    assert f"/review/{document.pk}/pages/1.png" in body
    assert 'class="evidence-box" data-field="issuer"' in body
    assert response.context["can_act"] is True


@pytest.mark.django_db
def test_opening_takes_the_lock_and_a_second_reviewer_is_refused(reviewer, make_user, client_for, review_document):
    document = review_document()
    client_for(reviewer).get(f"/review/{document.pk}/")
    lock = ReviewLock.objects.get(document=document)
    assert lock.reviewer == reviewer and lock.expires_at > timezone.now() + timedelta(minutes=14)

    other = client_for(make_user("reviewer", username="rita"))
    page = other.get(f"/review/{document.pk}/")
    assert page.context["can_act"] is False
    assert f"Being reviewed by {reviewer.username}" in page.content.decode()
    assert "<form method=\"post\" action=\"/review/" not in page.content.decode().split("fields-heading")[1]
    response = _post(other, document, "issuer", "accept")
    assert response.status_code == 302
    assert _field(document, "issuer").status == "needs_review"
    assert not FieldCorrection.objects.exists()
    assert not AuditEvent.objects.filter(kind="review_accepted").exists()


@pytest.mark.django_db
def test_an_expired_lock_can_be_taken(reviewer, make_user, client_for, review_document):
    document = review_document()
    client_for(reviewer).get(f"/review/{document.pk}/")
    ReviewLock.objects.filter(document=document).update(expires_at=timezone.now() - timedelta(seconds=1))
    rita = make_user("reviewer", username="rita")
    page = client_for(rita).get(f"/review/{document.pk}/")
    assert page.context["can_act"] is True
    assert ReviewLock.objects.get(document=document).reviewer == rita


@pytest.mark.django_db
def test_each_action_renews_the_lock(reviewer, client_for, review_document):
    document = review_document()
    client = client_for(reviewer)
    client.get(f"/review/{document.pk}/")
    ReviewLock.objects.filter(document=document).update(expires_at=timezone.now() + timedelta(minutes=1))
    _post(client, document, "issuer", "accept")
    assert ReviewLock.objects.get(document=document).expires_at > timezone.now() + timedelta(minutes=14)


@pytest.mark.django_db
def test_accept_correct_and_finish(reviewer, client_for, review_document):
    document = review_document()
    client = client_for(reviewer)
    client.get(f"/review/{document.pk}/")

    response = _post(client, document, "issuer", "accept")
    assert response.status_code == 302
    assert response["Location"] == f"/review/{document.pk}/?field=amount#field-amount"
    issuer = _field(document, "issuer")
    assert issuer.status == "accepted" and issuer.method == "generator" and issuer.value == "ACME Tools"

    response = _post(client, document, "amount", "correct", "  121.00 ")
    amount = _field(document, "amount")
    assert (amount.value, amount.method, amount.status, amount.confidence) == ("121.00", "human", "accepted", 1.0)
    document.refresh_from_db()
    assert document.status == Document.Status.DONE
    assert document.history.last().status == "done"
    assert not ReviewLock.objects.filter(document=document).exists()
    assert response["Location"] == "/review/"  # nothing else waits

    corrections = {c.field_name: c for c in FieldCorrection.objects.filter(document=document)}
    assert corrections["issuer"].action == "accepted" and corrections["issuer"].after == "ACME Tools"
    fixed = corrections["amount"]
    assert (fixed.action, fixed.before, fixed.after, fixed.reviewer, fixed.doc_type) == (
        "corrected", "119.00", "121.00", reviewer, "invoice")
    assert fixed.confidence == 0.52 and fixed.reasons == ["validation_failed"] and fixed.field == amount
    assert list(FieldCorrection.objects.corrections()) == [fixed]

    corrected = AuditEvent.objects.get(kind="review_corrected")
    assert corrected.field == "amount" and corrected.actor_user_id == reviewer.pk
    assert corrected.details == {"before": digest("119.00"), "after": digest("121.00")}
    assert AuditEvent.objects.get(kind="review_accepted").field == "issuer"


@pytest.mark.django_db
def test_reject_marks_the_field_rejected(reviewer, client_for, review_document):
    document = review_document()
    client = client_for(reviewer)
    _post(client, document, "issuer", "reject")
    assert _field(document, "issuer").status == "rejected"
    correction = FieldCorrection.objects.get()
    assert (correction.action, correction.before, correction.after) == ("rejected", "ACME Tools", None)
    event = AuditEvent.objects.get(kind="review_rejected")
    assert event.field == "issuer" and event.details["after"] is None
    document.refresh_from_db()
    assert document.status == Document.Status.NEEDS_REVIEW  # amount still waits


@pytest.mark.django_db
def test_an_empty_correction_is_refused(reviewer, client_for, review_document):
    document = review_document()
    client = client_for(reviewer)
    response = _post(client, document, "amount", "correct", "   ")
    assert response.status_code == 302
    assert _field(document, "amount").status == "needs_review"
    page = client.get(response["Location"])
    assert "Type a value" in page.content.decode()


@pytest.mark.django_db
def test_a_correction_with_a_nul_character_is_refused_and_nothing_is_written(reviewer, client_for, review_document):
    document = review_document()
    client = client_for(reviewer)
    response = _post(client, document, "issuer", "correct", "ACME\x00 Tools")
    assert response.status_code == 302
    issuer = _field(document, "issuer")
    assert (issuer.value, issuer.status) == ("ACME Tools", "needs_review")
    assert not FieldCorrection.objects.filter(document=document).exists()
    assert "NUL character" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["number", "integer"])
@pytest.mark.parametrize("typed, message", [
    ("nan", "takes a number"), ("inf", "takes a number"), ("-Infinity", "takes a number"),
    ("1e400", "takes a number"), ("1e15", "too large"), ("-2000000000000000", "too large"),
])
def test_a_number_json_cannot_hold_or_too_large_is_refused(reviewer, client_for, review_document, kind, typed, message):
    document = review_document()
    schema = document.doc_type.schema
    schema["properties"]["amount"] = {"type": kind}
    document.doc_type.save()
    client = client_for(reviewer)
    response = _post(client, document, "amount", "correct", typed)
    assert response.status_code == 302
    amount = _field(document, "amount")
    assert (amount.value, amount.status) == ("119.00", "needs_review")
    assert not FieldCorrection.objects.filter(document=document).exists()
    assert message in client.get(response["Location"]).content.decode()
    _post(client, document, "amount", "correct", "999999999999999")  # the largest that is taken
    assert _field(document, "amount").value == 999999999999999


@pytest.mark.django_db
def test_a_placeholder_picked_from_the_text_stands_for_its_personal_value(reviewer, client_for, review_document):
    document = review_document()
    _post(client_for(reviewer), document, "issuer", "correct", "<PERSON_1>")
    issuer = _field(document, "issuer")
    assert issuer.value == "Jane Roe"
    assert issuer.evidence == [{"page": 1, "start": 57, "end": 65}]


@pytest.mark.django_db
def test_correcting_the_document_type_teaches_the_classifier(reviewer, client_for, review_document):
    document = review_document()
    receipt = doc_type("receipt")
    response = client_for(reviewer).post(f"/review/{document.pk}/doc-type/", {"doc_type": receipt.pk})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.doc_type == receipt and document.doc_type_confidence == 1.0
    example = ExampleDocument.objects.get(document=document)
    assert example.source == "correction" and example.doc_type == receipt
    assert "<PERSON_1>" in example.text and "Jane Roe" not in example.text
    event = AuditEvent.objects.get(kind="doc_type_corrected")
    assert event.details == {"before": digest("invoice"), "after": digest("receipt")}


@pytest.mark.django_db
def test_finish_button_for_a_document_without_pending_fields(reviewer, client_for, review_document):
    document = review_document(reasons=["always_review"])
    document.fields.update(status="accepted")
    client = client_for(reviewer)
    assert "finish-review" in client.get(f"/review/{document.pk}/").content.decode()
    client.post(f"/review/{document.pk}/finish/")
    document.refresh_from_db()
    assert document.status == Document.Status.DONE


@pytest.mark.django_db
def test_finish_is_refused_while_fields_wait(reviewer, client_for, review_document):
    document = review_document()
    client_for(reviewer).post(f"/review/{document.pk}/finish/")
    document.refresh_from_db()
    assert document.status == Document.Status.NEEDS_REVIEW


@pytest.mark.django_db
def test_a_done_document_cannot_be_changed(reviewer, client_for, review_document):
    document = review_document(status=Document.Status.DONE)
    client = client_for(reviewer)
    assert client.get(f"/review/{document.pk}/").context["can_act"] is False
    _post(client, document, "issuer", "accept")
    assert _field(document, "issuer").status == "needs_review"


@pytest.mark.django_db
def test_release_lets_others_take_it(reviewer, client_for, review_document):
    document = review_document()
    client = client_for(reviewer)
    client.get(f"/review/{document.pk}/")
    client.post(f"/review/{document.pk}/release/")
    assert not ReviewLock.objects.filter(document=document).exists()


@pytest.mark.django_db
def test_text_documents_show_their_redacted_text_without_a_picture(reviewer, client_for, review_document):
    document = review_document(media="text", filename="letter.txt")
    body = client_for(reviewer).get(f"/review/{document.pk}/").content.decode()
    assert "pages/1.png" not in body
    assert "&lt;PERSON_1&gt;" in body and "Jane Roe" not in body
    assert client_for(reviewer).get(f"/review/{document.pk}/pages/1.png").status_code == 404


@pytest.mark.django_db
def test_a_correction_is_checked_by_the_fields_validators(reviewer, client_for, review_document):
    document = review_document()
    client = client_for(reviewer)
    response = _post(client, document, "amount", "correct", "12,5")
    amount = _field(document, "amount")
    assert amount.value == "12,5" and amount.status == "accepted"
    failed = {check["name"] for check in amount.validators if not check["passed"]}
    assert "schema" in failed and "amount" in failed
    assert "fails these checks" in client.get(response["Location"]).content.decode()

    _post(client, document, "amount", "correct", "12.50")  # a second go, while the issuer still waits
    assert all(check["passed"] for check in _field(document, "amount").validators)
    first, second = FieldCorrection.objects.filter(field_name="amount")
    # The second decision still compares with the model's value, not with the reviewer's first try.
    assert (second.before, second.after, second.confidence, second.method, second.reasons) == (
        "119.00", "12.50", 0.52, "generator", ["validation_failed"])
    _post(client, document, "amount", "accept")  # accepting the reviewer's own value: the model was wrong
    assert FieldCorrection.objects.filter(field_name="amount").last().action == "corrected"
    assert AuditEvent.objects.filter(kind="review_accepted", field="amount").exists()
