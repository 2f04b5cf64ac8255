"""The text extraction stage refuses text over the appliance's limits, with the reason, keeping the original."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appliance.documents.ingestion import ingest
from appliance.documents.models import Document
from appliance.documents.tasks import extract_text
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_page_over_the_limit_fails_its_document_with_a_readable_reason(clerk, settings, monkeypatch):
    monkeypatch.setattr("appliance.documents.pipeline.start", lambda document: None)
    settings.COLONY_MAX_PAGE_CHARS = 5_000
    body = b"Patient Jane Roe, phone 555-0100.\n" * 500
    document = ingest(SimpleUploadedFile("long.txt", body), filename="long.txt", user=clerk,
                      team=clerk.membership.team, source=Document.Source.WEB).document
    extract_text(str(document.pk))
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert document.failure_code == "too_much_text"
    assert "Page 1" in document.failure_reason and "5,000" in document.failure_reason
    assert "Jane" not in document.failure_reason
    assert not document.pages.exists()
    assert document.original.read() == body
    assert AuditEvent.objects.filter(document_id=document.pk, kind="text_extraction_failed").exists()
