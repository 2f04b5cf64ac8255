"""Documents waiting for review, built from real PDFs (tests/docgen)."""
import hashlib
import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from appliance.documents.models import Document, DocumentType, ExtractedField, Page, Team
from tests import docgen

TEXT = (
    "Invoice INV-2024-001\n"
    "Issued by ACME Tools GmbH\n"
    "Customer: Jane Roe\n"
    "Total: 119.00 EUR\n"
    "Pay to IBAN DE89370400440532013000"
)
_TYPES = json.loads((Path(__file__).resolve().parents[2] / "extraction/doctypes/default_types.json").read_text())


def doc_type(name="invoice"):
    spec = _TYPES[name]
    found, _ = DocumentType.objects.get_or_create(
        name=name, defaults={"label": spec["label"], "description": spec["description"], "schema": spec["schema"]}
    )
    return found


def _span(text, value, page=1):
    start = text.index(value)
    return {"page": page, "start": start, "end": start + len(value)}


def make_review_document(tmp_path, team="default", *, filename="invoice.pdf", created_at=None,
                         status=Document.Status.NEEDS_REVIEW, media="pdf", reasons=("low_confidence",), text=TEXT):
    """A document waiting for review: one page, personal data redacted, four fields (two to decide)."""
    team_obj, _ = Team.objects.get_or_create(name=team)
    if media == "pdf":
        path = docgen.make_pdf(tmp_path / f"{uuid.uuid4().hex}.pdf", text.split("\f"))
        media_type = "application/pdf"
    elif media == "image":
        path = docgen.make_image(tmp_path / f"{uuid.uuid4().hex}.png", text, font_size=40)
        media_type = "image/png"
    else:
        path = docgen.make_text_file(tmp_path / f"{uuid.uuid4().hex}.txt", text)
        media_type = "text/plain"
    data = path.read_bytes()
    document = Document(team=team_obj, source="web", original_filename=filename, sha256=hashlib.sha256(
        data + uuid.uuid4().bytes).hexdigest(), size=len(data), media_type=media_type, status=status,
        doc_type=doc_type("invoice"), doc_type_confidence=0.55, review_reasons=list(reasons))
    if created_at is not None:
        document.created_at = created_at
    document.original.save("original", ContentFile(data), save=False)
    spans = [
        {**_span(text, "Jane Roe"), "type": "PERSON", "placeholder": "<PERSON_1>"},
        {**_span(text, "DE89370400440532013000"), "type": "IBAN_CODE", "placeholder": "<IBAN_CODE_1>"},
    ]
    document.pii_spans = spans
    document.pii_vault = b"test-vault"
    document.save()
    redacted = text.replace("Jane Roe", "<PERSON_1>").replace("DE89370400440532013000", "<IBAN_CODE_1>")
    Page.objects.create(document=document, number=1, text=text, redacted_text=redacted,
                        method="ocr" if media == "image" else "text_layer")
    fields = [
        ("invoice_number", "INV-2024-001", 0.97, "accepted", [], False),
        ("issuer", "ACME Tools", 0.41, "needs_review", ["low_confidence"], False),
        ("amount", "119.00", 0.52, "needs_review", ["validation_failed"], False),
        ("iban", "DE89370400440532013000", 0.9, "accepted", [], True),
    ]
    for name, value, confidence, field_status, field_reasons, personal in fields:
        ExtractedField.objects.create(
            document=document, name=name, value=value, raw=value, confidence=confidence,
            evidence=[_span(text, value)], method="generator", validators=[], status=field_status,
            reasons=field_reasons, personal=personal,
        )
    return document


@pytest.fixture
def review_document(tmp_path):
    def make(**kwargs):
        return make_review_document(tmp_path, **kwargs)

    return make


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer")


def days_ago(days):
    return timezone.now() - timedelta(days=days)
