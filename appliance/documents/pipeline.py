"""The order of the pipeline's stages, and how a document enters and re-enters it.

Each stage is a Celery task that moves a document from one status to the
next. ``tasks.STAGES`` says which task picks up a document waiting in a
given status; the sweeper uses it to re-queue documents that got stuck.
The stages after text extraction: PII redaction, classification, extraction with validation.
"""
import logging

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def next_stage(document):
    """The task that should run next on ``document`` (tasks.STAGES), or None when it is final."""
    from appliance.documents.tasks import STAGES  # tasks import this module to queue the next stage

    stage = STAGES.get(document.status)
    return stage.task if stage is not None else None


def start(document):
    """Queue the stage that ``document``'s status calls for (no-op when final).

    When the broker cannot be reached (restarting, down), the document stays stored in its status and
    the sweeper queues it once the broker is back: an upload is still accepted, not answered with a 500."""
    task = next_stage(document)
    if task is None:
        return
    try:
        task.delay(str(document.id))
    except OperationalError as exc:
        logger.warning("document %s: the broker cannot be reached (%s); the sweeper will queue its next stage",
                       document.id, type(exc).__name__)
