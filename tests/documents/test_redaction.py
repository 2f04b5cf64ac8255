"""The redaction gate: whatever state a document is in, no role sees its original text
except through the audited reveal path."""
import pytest

from appliance.documents import redaction
from appliance.documents.models import Document, Page
from audit.models import AuditEvent
from tests.review.conftest import make_review_document

SECRETS = (b"Jane Roe", b"DE89370400440532013000")


def _unredacted(document):
    """The document as it stands when PII detection has not run (or failed): no spans, no redacted text."""
    document.pii_spans = []
    document.pii_vault = None
    document.save(update_fields=["pii_spans", "pii_vault"])
    Page.objects.filter(document=document).update(redacted_text="")
    return document


def _failed(document):
    document.fail("internal_error", "An internal error stopped PII redaction; the original is kept.")
    return Document.objects.get(pk=document.pk)


def _views_of(document, make_user, client_for):
    """What each role gets on every page that renders page text or a picture of it."""
    clerk, reviewer, auditor, admin = (make_user(role) for role in ("clerk", "reviewer", "auditor", "admin"))
    admin.is_staff = admin.is_superuser = True
    admin.save()
    page = document.pages.get()
    return {
        "clerk: document page": client_for(clerk).get(f"/documents/{document.pk}/"),
        "reviewer: review page": client_for(reviewer).get(f"/review/{document.pk}/"),
        "reviewer: page picture": client_for(reviewer).get(f"/review/{document.pk}/pages/1.png"),
        "auditor: timeline": client_for(auditor).get(f"/audit/documents/{document.pk}/"),
        "admin: document page": client_for(admin).get(f"/documents/{document.pk}/"),
        "admin: page in the admin": client_for(admin).get(f"/admin/documents/page/{page.pk}/change/"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Document.Status.FAILED, Document.Status.TEXT_EXTRACTED,
                                    Document.Status.NEEDS_REVIEW, Document.Status.DONE])
def test_a_page_never_redacted_shows_no_original_text_to_any_role(tmp_path, make_user, client_for, status):
    document = _unredacted(make_review_document(tmp_path, status=status))
    if status == Document.Status.FAILED:
        document = _failed(document)
    for where, response in _views_of(document, make_user, client_for).items():
        assert response.status_code in (200, 404), where
        for secret in SECRETS:
            assert secret not in response.content, f"{where} shows {secret!r}"
        if where.endswith("picture"):
            assert response.status_code == 404, "a picture with nothing blacked out must not be served"
    assert not AuditEvent.objects.filter(kind="pii_revealed").exists()


@pytest.mark.django_db
def test_a_failed_document_whose_pages_were_redacted_shows_them_redacted(tmp_path, make_user, client_for):
    document = _failed(make_review_document(tmp_path, status=Document.Status.CLASSIFIED))
    views = _views_of(document, make_user, client_for)
    for where, response in views.items():
        for secret in SECRETS:
            assert secret not in response.content, f"{where} shows {secret!r}"
    assert b"Customer: " in views["clerk: document page"].content
    assert b"&lt;PERSON_1&gt;" in views["clerk: document page"].content
    assert b"&lt;PERSON_1&gt;" in views["admin: page in the admin"].content
    assert views["reviewer: page picture"].status_code == 200  # blacked out, so it may be shown


@pytest.mark.django_db
def test_withheld_pages_say_why(tmp_path, make_user, client_for):
    document = _failed(_unredacted(make_review_document(tmp_path, status=Document.Status.TEXT_EXTRACTED)))
    views = _views_of(document, make_user, client_for)
    assert redaction.WITHHELD.encode() in views["clerk: document page"].content.replace(b"&#x27;", b"'")
    assert redaction.WITHHELD.encode() in views["reviewer: review page"].content.replace(b"&#x27;", b"'")


@pytest.mark.django_db
def test_the_audited_reveal_still_shows_the_original_of_an_unredacted_page(tmp_path, make_user, client_for):
    document = _failed(_unredacted(make_review_document(tmp_path, status=Document.Status.TEXT_EXTRACTED)))
    admin = make_user("admin")
    response = client_for(admin).get(f"/documents/{document.pk}/", {"view": "original"})
    assert b"Jane Roe" in response.content
    assert AuditEvent.objects.filter(document_id=document.pk, kind="pii_revealed").exists()


@pytest.mark.django_db
def test_the_gate_rules(tmp_path):
    document = make_review_document(tmp_path)
    page = document.pages.get()
    assert redaction.is_redacted(document, page)
    pieces = redaction.page_segments(document, page)
    assert "Jane Roe" not in "".join(p["text"] for p in pieces)
    assert "Jane Roe" in "".join(p["text"] for p in redaction.page_segments(document, page, reveal=True))
    page.redacted_text = ""
    assert not redaction.is_redacted(document, page)
    assert redaction.page_segments(document, page) is None
    assert not redaction.may_show_picture(document, page)
    assert redaction.may_show_picture(document, page, reveal=True)
    page.text = ""
    assert redaction.is_redacted(document, page)  # an empty page has nothing to hide
