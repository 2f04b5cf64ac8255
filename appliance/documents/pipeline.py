"""The order of the pipeline's stages, and how a document enters and re-enters it.

Each stage is a Celery task that moves a document from one status to the
next. ``STAGE_FOR_STATUS`` says which task picks up a document waiting in a
given status; the sweeper uses it to re-queue documents that got stuck.
The stages after text extraction: PII redaction, classification, extraction with validation.
"""
from appliance.documents.models import Document


def _stage_for_status():
    from appliance.documents import tasks

    return {
        Document.Status.RECEIVED: tasks.extract_text,
        Document.Status.TEXT_EXTRACTED: tasks.redact_pii,
        Document.Status.PII_REDACTED: tasks.classify,
        Document.Status.CLASSIFIED: tasks.extract_fields,
    }


def next_stage(document):
    """The task that should run next on ``document``, or None when it is final."""
    return _stage_for_status().get(document.status)


def start(document):
    """Queue the stage that ``document``'s status calls for (no-op when final)."""
    task = next_stage(document)
    if task is not None:
        task.delay(str(document.id))
