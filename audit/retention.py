"""Retention and erasure: a document's original and text go, its audit events stay.

The events hold digests and offsets, never content, so keeping them after the
document is gone keeps the account of what was decided without keeping the
personal data it was decided on. Every purge is itself an audit event, written
in the same transaction as the deletion: no purge without its record.

Retention periods come from ``settings.COLONY_RETENTION_DAYS``, a dict keyed by
document type with a "default" entry (None: keep forever), read at each run.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from appliance.documents.models import Document
from audit.events import record

logger = logging.getLogger(__name__)

DEFAULT = "default"


def retention_table():
    return dict(getattr(settings, "COLONY_RETENTION_DAYS", None) or {})


def retention_days(document, table=None):
    """Days to keep ``document``; None keeps it forever."""
    table = retention_table() if table is None else table
    # Unclassified documents (and those of types with no entry) keep the default period.
    doc_type = getattr(document, "doc_type", None)
    document_type = getattr(doc_type, "name", "") or DEFAULT
    return table.get(document_type, table.get(DEFAULT))


def expired_document_ids(now=None):
    now = now or timezone.now()
    table = retention_table()
    periods = [days for days in table.values() if days is not None]
    if not periods:
        return []
    candidates = Document.objects.filter(created_at__lt=now - timedelta(days=min(periods))).select_related("doc_type")
    return [
        document.pk
        for document in candidates.iterator()
        if (days := retention_days(document, table)) is not None and document.created_at < now - timedelta(days=days)
    ]


def _delete_stored_file(storage, name):
    try:
        storage.delete(name)
    except OSError:
        logger.error("could not delete a purged original (%s); delete it by hand", name)


def purge_document(document_id, *, kind, reason, actor=None, details=None):
    """Delete a document with its original, pages and everything derived from it; record why.

    Returns False when the document no longer exists (already purged).
    """
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None:
            return False
        stored_name, storage = document.original.name, document.original.storage
        record(
            kind,
            document=document,
            actor=actor,
            reason=reason,
            outcome="purged",
            inputs_sha256={"file": document.sha256},
            details={
                "pages": document.pages.count(),
                "size": document.size,
                "media_type": document.media_type,
                "team_id": document.team_id,
                "age_days": (timezone.now() - document.created_at).days,
                **(details or {}),
            },
        )
        # Cascades to pages, status history and whatever later stages derived from it.
        document.delete()
        if stored_name:
            transaction.on_commit(lambda: _delete_stored_file(storage, stored_name))
    logger.info("document %s purged (%s)", document_id, kind)
    return True


def purge_expired(now=None):
    """The scheduled purge: every document past its retention period. Returns how many went."""
    table = retention_table()
    count = 0
    for document_id in expired_document_ids(now):
        document = Document.objects.filter(pk=document_id).first()
        days = retention_days(document, table) if document else None
        if purge_document(document_id, kind="retention_purged", reason="retention_expired",
                          details={"retention_days": days}):
            count += 1
    if count:
        logger.info("retention purge removed %d document(s)", count)
    return count


def erase_document(document_id, *, reason, actor=None, details=None):
    """Erasure on request (e.g. a data subject's): same as a purge, by a person, with a reason code."""
    if not reason:
        raise ValueError("an erasure needs a reason")
    return purge_document(document_id, kind="document_erased", reason=reason, actor=actor, details=details)
