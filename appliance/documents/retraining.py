"""Automatic retraining: the colony learns from its reviewers.

Every COLONY_RETRAIN_AFTER new corrections of a type (a reviewer changed or rejected a value), the
type's specialist is trained again, as a Celery task on the ``inference`` queue, from the documents
reviewers settled. Labels are each field's final value on those documents (what the reviewer
corrected, accepted or left accepted); a rejected field has no value. The new version replaces the
promoted one only if it is not worse on the held-back documents (``specialists.train_type``).
"""
import logging

from celery import current_app
from django.conf import settings
from django.db import transaction

from appliance.documents.models import Document, DocumentType, ExtractedField
from appliance.documents.processing import doc_text
from appliance.review.models import FieldCorrection
from extraction.fields.general.training import MIN_DOCUMENTS, Labelled
from extraction.fields.registry import has_rules

logger = logging.getLogger(__name__)
# The task (appliance/documents/tasks.py) is sent by name: tasks.py imports this module.
RETRAIN_TASK = "documents.retrain_type"


def corrections_of(doc_type: DocumentType) -> int:
    return FieldCorrection.objects.filter(doc_type=doc_type.name).corrections().count()


def schedule_if_due(doc_type: DocumentType | None) -> bool:
    """Queue the type's retraining once COLONY_RETRAIN_AFTER corrections have come in since the last
    time; True when queued. Safe under concurrency: one reviewer's transaction wins the claim."""
    every = settings.COLONY_RETRAIN_AFTER
    # Not the types with dedicated code: measured 2-fold, a specialist over their rules matched the rules'
    # accuracy with worse calibrated thresholds (README, "The shipped types"), so it is trained on request only.
    if doc_type is None or every <= 0 or has_rules(doc_type.name):
        return False
    if _reviewed(doc_type).count() < MIN_DOCUMENTS:  # corrections keep counting until training can start
        return False
    seen = corrections_of(doc_type)
    claimed = DocumentType.objects.filter(pk=doc_type.pk, corrections_at_retraining__lte=seen - every).update(
        corrections_at_retraining=seen)
    if claimed:
        name = doc_type.name
        transaction.on_commit(lambda: current_app.send_task(RETRAIN_TASK, args=[name]))
        logger.info("type %s: %d corrections, retraining queued", name, seen)
    return bool(claimed)


def reviewed_documents(doc_type: DocumentType, limit: int | None = None) -> list[Labelled]:
    """The documents of the type a reviewer settled (oldest first, at most the latest ``limit``),
    labelled with each field's final value."""
    limit = limit or settings.COLONY_RETRAIN_MAX_DOCUMENTS
    reviewed = _reviewed(doc_type).order_by("-created_at").prefetch_related("fields", "pages")[:limit]
    documents = []
    for document in reversed(list(reviewed)):
        labels = {fld.name: fld.value for fld in document.fields.all()
                  if fld.status == ExtractedField.Status.ACCEPTED and fld.value not in (None, "", [])}
        documents.append(Labelled(str(document.pk), doc_text(document), labels))
    return documents


def _reviewed(doc_type: DocumentType):
    """Documents of the type that are done and on which a reviewer decided at least one field."""
    return Document.objects.filter(doc_type=doc_type, status=Document.Status.DONE,
                                   pk__in=FieldCorrection.objects.values("document_id"))
