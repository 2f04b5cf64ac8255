"""Audit fixtures: a signing key of the test's own, documents with pages, and flushable audit tables."""
import pytest
from django.core.files.base import ContentFile

from appliance.documents.models import Document, Page, Team
from audit.testing import audit_tables_flushable  # noqa: F401  (transactional tests end with a flush)


@pytest.fixture(autouse=True)
def audit_key(tmp_path, monkeypatch):
    """Each test signs with a fresh key outside the database, in its own directory."""
    key_dir = tmp_path / "audit-key"
    monkeypatch.setenv("COLONY_AUDIT_SIGNING_KEY", str(key_dir / "signing.pem"))
    monkeypatch.setenv("COLONY_AUDIT_HEADS_FILE", str(key_dir / "heads.jsonl"))
    return key_dir


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
