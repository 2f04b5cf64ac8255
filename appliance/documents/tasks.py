"""Celery tasks, one per pipeline stage, plus the sweeper that re-queues stuck documents.

Stages are idempotent: each checks the document is still in the status it
expects before working, so a re-delivered or re-queued message does no harm.
"""
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from appliance.documents import pipeline, processing, retraining, specialists
from appliance.documents.models import Document, DocumentType, Page
from audit.events import record, sha256_pages
from extraction.slm.errors import ModelUnavailableError
from extraction.text import extract_pages
from extraction.text.base import ExtractionError

logger = logging.getLogger(__name__)

# Errors worth retrying: the database or the disk hiccuped, not the document.
TRANSIENT_ERRORS = (DatabaseError, OSError)


class StageTask(Task):
    """A stage that fails the document with a readable reason once retries are exhausted."""

    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 5
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 5

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        document = Document.objects.filter(pk=args[0]).first() if args else None
        if document is None or document.is_final:
            return
        # The stage the document was in (one task runs several: _advance), named as users read it.
        stage = STAGES.get(document.status)
        stage_label = stage.label if stage is not None else "processing"
        logger.error("document %s: %s failed (%s)", document.id, stage_label, type(exc).__name__)
        if isinstance(exc, ModelUnavailableError):
            # Not the document's fault: the models are missing or broken. The message names the fix.
            document.fail("models_unavailable", f"The local models could not be used: {exc}")
        elif isinstance(exc, SoftTimeLimitExceeded):
            document.fail("timeout", f"{stage_label.capitalize()} took too long and was stopped.")
        else:
            document.fail("internal_error", f"An internal error stopped {stage_label}; the original is kept.")


@shared_task(base=StageTask, name="documents.extract_text")
def extract_text(document_id):
    document = Document.objects.filter(pk=document_id).first()
    if document is not None and document.status == Document.Status.TEXT_EXTRACTED:
        # This message again after its worker stored the text and died before queuing the next stage (kill -9
        # between the two): queue it now, or the document waits for the sweeper. Where the next stage was
        # queued after all, it runs twice and stores once (each stage checks the status it expects).
        pipeline.start(document)
        return
    if document is None or document.status != Document.Status.RECEIVED:
        return
    try:
        pages = extract_pages(
            document.original.path,
            document.media_type,
            max_pages=settings.COLONY_MAX_PAGES,
            max_image_pixels=settings.COLONY_MAX_IMAGE_PIXELS,
            ocr_languages=settings.COLONY_OCR_LANGUAGES,
            max_page_chars=settings.COLONY_MAX_PAGE_CHARS,
            max_document_chars=settings.COLONY_MAX_DOCUMENT_CHARS,
        )
    except ExtractionError as exc:
        logger.info("document %s: text extraction refused (%s)", document.id, exc.code)
        document.fail(exc.code, str(exc))
        record("text_extraction_failed", document=document, reason=exc.code, outcome="failed")
        return
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.status != Document.Status.RECEIVED:
            return
        Page.objects.filter(document=document).delete()
        Page.objects.bulk_create(
            Page(document=document, number=page.number, text=page.text, method=page.method) for page in pages
        )
        document.move_to(Document.Status.TEXT_EXTRACTED)
        record("text_extracted", document=document, inputs_sha256={"text": sha256_pages(p.text for p in pages)},
               outcome="ok", details={"pages": len(pages)})
    logger.info("document %s: %d page(s) of text extracted", document.id, len(pages))
    transaction.on_commit(lambda: pipeline.start(document))


def _advance(document_id):
    """Run the inference stages the document waits for, one after another, from the status it is in:
    a message redelivered after its worker died resumes where that worker stopped, and a document
    already past them (another worker moved it on) is left alone. Each stage is idempotent."""
    # The pages are read once for all the stages: each stage reads them from here (redaction stores the redacted
    # text on these same objects), not from the database again.
    document = Document.objects.select_related("doc_type").prefetch_related("pages").filter(pk=document_id).first()
    while document is not None:
        stage = STAGES.get(document.status)
        if stage is None or stage.run is None:
            return
        before = document.status
        try:
            # The model work happens outside any transaction; the stage locks the row to store, and checks
            # there that the status it read is still the document's (StageSuperseded when not).
            stage.run(document)
        except processing.StageSuperseded:
            return
        if document.status == before:
            return  # the stage stored nothing new: do not run it again in a loop


@shared_task(base=StageTask, name="documents.redact_pii")
def redact_pii(document_id):
    _advance(document_id)


# classify and extract_fields: the sweeper queues a document stuck in a later status by its own stage's name.
@shared_task(base=StageTask, name="documents.classify")
def classify(document_id):
    _advance(document_id)


@shared_task(base=StageTask, name="documents.extract_fields")
def extract_fields(document_id):
    _advance(document_id)


@dataclass(frozen=True)
class Stage:
    """What a document waiting in a status needs next."""

    label: str  # as failure messages name it
    task: Task  # the task queued for it (pipeline.start, the sweeper)
    # The work of a stage after text extraction. Those stages are all on the inference queue: a worker that
    # finishes one runs the next itself (_advance) rather than queuing it, so a document costs that queue one
    # message, not three. Text extraction has a task of its own.
    run: Callable[[Document], None] | None = None


# The pipeline's stages, by the status a document waits in for each: the one place that says what comes next.
STAGES = {
    Document.Status.RECEIVED: Stage("text extraction", extract_text),
    Document.Status.TEXT_EXTRACTED: Stage("PII redaction", redact_pii, processing.redact_pii),
    Document.Status.PII_REDACTED: Stage("classification", classify, processing.classify),
    Document.Status.CLASSIFIED: Stage("field extraction", extract_fields, processing.extract_and_validate),
}


# Retraining reads and ranks every reviewed document of a type: longer than a stage may take.
RETRAIN_SOFT_TIME_LIMIT = 1800


@shared_task(name=retraining.RETRAIN_TASK, acks_late=True, soft_time_limit=RETRAIN_SOFT_TIME_LIMIT,
             time_limit=RETRAIN_SOFT_TIME_LIMIT + 60)
def retrain_type(type_name):
    """Train the type's specialist again from the documents reviewers settled; promoted only if not worse.
    Returns the new version's name when promoted, else None."""
    doc_type = DocumentType.objects.filter(name=type_name).first()
    if doc_type is None:
        return None
    documents = retraining.reviewed_documents(doc_type)
    try:
        outcome = specialists.train_type(doc_type, documents, processing.runtime())
    except specialists.TrainingError as exc:
        logger.info("type %s: retraining skipped (%s)", type_name, exc)
        record("specialist_training_skipped", reason="too_few_documents", outcome="skipped",
               details={"doc_type": type_name, "documents": len(documents)})
        return None
    logger.info("type %s: retrained %s on %d documents (%s)", type_name, outcome.version, len(documents),
                "promoted" if outcome.promoted else "rejected")
    return outcome.version if outcome.promoted else None


@shared_task(name="documents.sweep_stuck")
def sweep_stuck():
    """Re-queue documents that have waited in a non-final status for too long."""
    cutoff = timezone.now() - timedelta(seconds=settings.COLONY_STUCK_AFTER_SECONDS)
    stuck = Document.objects.exclude(status__in=Document.FINAL_STATUSES).filter(status_changed_at__lt=cutoff)
    count = 0
    for document in stuck.iterator():
        pipeline.start(document)
        count += 1
    if count:
        logger.warning("sweeper re-queued %d stuck document(s)", count)
    return count
