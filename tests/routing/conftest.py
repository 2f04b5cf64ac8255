"""Routing fixtures: documents with pages and fields, users of each role."""
import pytest
from django.core.files.base import ContentFile

from appliance.documents.models import Document, DocumentType, ExtractedField, Page, Team


@pytest.fixture
def make_document(db):
    def make(text="Receipt total 9.00", doc_type="receipt", fields=(), created_at=None, reasons=()):
        team, _ = Team.objects.get_or_create(name="default")
        count = Document.objects.count()
        document = Document(
            team=team, source=Document.Source.API, original_filename="r.txt", sha256=f"{count + 1:064x}", size=42,
            media_type="text/plain", status=Document.Status.DONE, review_reasons=list(reasons),
            doc_type=DocumentType.objects.filter(name=doc_type).first(),
        )
        if created_at is not None:
            document.created_at = created_at
        document.original.save("upload", ContentFile(b"x" * 42), save=False)
        document.save()
        Page.objects.create(document=document, number=1, text=text, redacted_text=text, method="plain")
        for index, (method, status) in enumerate(fields):
            ExtractedField.objects.create(
                document=document, name=f"f{index}", value="v", confidence=0.9, method=method, status=status,
                evidence=[{"page": 1, "start": 0, "end": 1}],
            )
        return document

    return make


@pytest.fixture
def user_of(make_user):
    return lambda role: make_user(role)
