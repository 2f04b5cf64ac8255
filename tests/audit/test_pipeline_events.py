"""The foundation's stages record their decisions: reception and text extraction."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appliance.documents.ingestion import ingest
from appliance.documents.models import Document
from appliance.documents.tasks import extract_text
from audit.events import sha256_pages
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_reception_and_extraction_are_recorded(clerk, monkeypatch):
    monkeypatch.setattr("appliance.documents.pipeline.start", lambda document: None)
    body = b"Patient Jane Roe, born 1970-01-01.\n"
    result = ingest(SimpleUploadedFile("jane.txt", body), filename="jane.txt", user=clerk,
                    team=clerk.membership.team, source=Document.Source.WEB)
    document = result.document
    received = AuditEvent.objects.get(document_id=document.pk, kind="document_received")
    assert received.actor_user_id == clerk.pk
    assert received.inputs_sha256 == {"file": document.sha256}
    assert received.details == {"size": len(body), "media_type": document.media_type, "source": "web"}

    extract_text(str(document.pk))
    extracted = AuditEvent.objects.get(document_id=document.pk, kind="text_extracted")
    texts = list(document.pages.values_list("text", flat=True))
    assert extracted.inputs_sha256 == {"text": sha256_pages(texts)}
    assert extracted.details == {"pages": len(texts)}
    for event in (received, extracted):
        row = str(AuditEvent.objects.filter(pk=event.pk).values().get())
        assert "Jane" not in row and "jane" not in row
