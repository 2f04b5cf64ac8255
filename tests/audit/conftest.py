"""Audit fixtures: documents with pages (the signing key and flushable audit tables: tests/conftest.py)."""
import pytest
from django.core.files.base import ContentFile

from appliance.documents.models import Document, Page, Team


@pytest.fixture
def make_document(db):
    def make(pages=("Invoice 2024-17 for ACME GmbH, total 1,200.00 EUR.",), team="default", sha=None):
        team_obj, _ = Team.objects.get_or_create(name=team)
        count = Document.objects.count()
        document = Document(
            team=team_obj,
            source=Document.Source.API,
            original_filename="invoice.txt",
            sha256=sha or f"{count + 1:064x}",
            size=42,
            media_type="text/plain",
        )
        document.original.save("upload", ContentFile(b"x" * 42), save=False)
        document.save()
        for number, text in enumerate(pages, start=1):
            Page.objects.create(document=document, number=number, text=text, redacted_text=text, method="plain")
        return document

    return make


@pytest.fixture
def auditor(make_user):
    return make_user("auditor")


@pytest.fixture
def admin_user(make_user):
    return make_user("admin")


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer")
