"""Retention purge and erasure: content goes, audit events stay, and the purge is itself audited."""
import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from appliance.documents.models import Document, Page
from audit.events import record
from audit.models import AuditEvent
from audit.retention import purge_expired, retention_days
from audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def age(document, days):
    Document.objects.filter(pk=document.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_expired_documents_are_purged_and_the_purge_is_audited(settings, make_document,
                                                                django_capture_on_commit_callbacks):
    settings.COLONY_RETENTION_DAYS = {"default": 30}
    old, young = make_document(), make_document()
    age(old, 31)
    age(young, 29)
    record("text_extracted", document=old, details={"pages": 1})
    stored = old.original.path
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the deletion commits
        assert purge_expired() == 1
    assert not Document.objects.filter(pk=old.pk).exists()
    assert not Page.objects.filter(document_id=old.pk).exists()
    assert Document.objects.filter(pk=young.pk).exists()
    assert not os.path.exists(stored)
    kinds = list(AuditEvent.objects.filter(document_id=old.pk).values_list("kind", flat=True))
    assert kinds == ["text_extracted", "retention_purged"]
    purge = AuditEvent.objects.get(document_id=old.pk, kind="retention_purged")
    assert purge.details["retention_days"] == 30 and purge.reason == "retention_expired"
    assert verify_chain().ok


def test_retention_reads_settings_lazily_with_a_default(settings, make_document):
    document = make_document()
    settings.COLONY_RETENTION_DAYS = {"default": None}
    assert retention_days(document) is None
    del settings.COLONY_RETENTION_DAYS
    assert retention_days(document) is None
    age(document, 10_000)
    assert purge_expired() == 0


def test_erase_command_needs_a_reason_code(make_document, admin_user, capsys):
    document = make_document()
    with pytest.raises(CommandError):
        call_command("erase_document", str(document.pk), "--reason", "Jane Roe asked us by phone")
    assert Document.objects.filter(pk=document.pk).exists()
    call_command("erase_document", str(document.pk), "--reason", "data_subject_request", "--by", admin_user.username)
    assert not Document.objects.filter(pk=document.pk).exists()
    erased = AuditEvent.objects.get(document_id=document.pk, kind="document_erased")
    assert (erased.actor_user_id, erased.reason) == (admin_user.pk, "data_subject_request")


def test_erase_view_is_for_admins_only(client, make_user, make_document, auditor, admin_user):
    document = make_document()
    url = f"/audit/documents/{document.pk}/erase/"
    for user in (make_user("clerk"), make_user("reviewer"), auditor):
        client.force_login(user)
        assert client.post(url, {"reason": "data_subject_request"}).status_code == 403
    assert Document.objects.filter(pk=document.pk).exists()
    client.force_login(admin_user)
    response = client.post(url, {"reason": "data_subject_request", "ticket": "DSR-2026-014"})
    assert response.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    erased = AuditEvent.objects.get(document_id=document.pk, kind="document_erased")
    assert erased.details["ticket"] == "DSR-2026-014"
    # The timeline of an erased document still answers, from its events.
    assert client.get(f"/audit/documents/{document.pk}/").status_code == 200


def test_retention_period_per_document_type(settings, make_document):
    from appliance.documents.models import DocumentType

    receipts, _ = DocumentType.objects.get_or_create(
        name="audit-test-receipt", defaults={"label": "Receipt", "description": "A receipt.", "schema": {}}
    )
    settings.COLONY_RETENTION_DAYS = {"default": None, "audit-test-receipt": 10}
    receipt, other = make_document(), make_document()
    Document.objects.filter(pk=receipt.pk).update(doc_type=receipts)
    age(receipt, 11)
    age(other, 11)
    assert purge_expired() == 1
    assert not Document.objects.filter(pk=receipt.pk).exists()
    assert Document.objects.filter(pk=other.pk).exists()
