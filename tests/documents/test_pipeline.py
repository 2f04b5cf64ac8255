"""Queuing a document's next stage: a broker that cannot be reached loses nothing and answers no 500, and a
stage's message delivered again after its worker died queues what its first delivery did not."""
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from appliance.celery import app
from appliance.documents.models import Document
from appliance.documents.pipeline import next_stage
from appliance.documents.tasks import STAGES, extract_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable_broker():
    """The Celery app publishing to a Redis port nothing listens on (a broker down or restarting)."""
    saved = app.conf.broker_write_url, app.conf.broker_transport_options
    app.conf.broker_write_url, app.conf.broker_transport_options = "redis://127.0.0.1:9/0", {}
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.broker_write_url, app.conf.broker_transport_options = saved
    app._pool = None
    app.amqp._producer_pool = None


def test_an_upload_while_the_broker_is_down_is_stored_and_accepted(unreachable_broker, clerk, api_client, caplog,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(clerk).post(
            "/api/v1/documents/", {"file": SimpleUploadedFile("note.txt", b"A short note.\n")}, format="multipart")
    assert response.status_code == 202
    document = Document.objects.get(pk=response.json()["id"])
    assert document.status == Document.Status.RECEIVED  # the sweeper queues it once the broker is back
    assert document.original.read() == b"A short note.\n"
    assert "the broker cannot be reached" in caplog.text


def test_every_status_before_the_end_has_one_next_stage_and_the_inference_ones_share_a_queue():
    for status in Document.Status:
        assert (next_stage(Document(status=status)) is None) == (status in Document.FINAL_STATUSES)
    routes = settings.CELERY_TASK_ROUTES
    # The stages _advance runs one after another in one task are those of the inference queue.
    inference = {status for status, stage in STAGES.items() if routes[stage.task.name]["queue"] == "inference"}
    assert inference == {status for status, stage in STAGES.items() if stage.run is not None}
    assert STAGES[Document.Status.RECEIVED].label == "text extraction"


def _waiting(queue):
    """How many messages wait in ``queue`` on the tests' broker."""
    with app.connection_for_write() as connection:
        return connection.default_channel.queue_declare(queue).message_count


def _purge(*queues):
    with app.connection_for_write() as connection:
        for queue in queues:
            connection.default_channel.queue_purge(queue)


def test_text_extraction_delivered_again_after_its_worker_died_before_queuing_redaction_queues_it(
        clerk, api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(clerk).post(
            "/api/v1/documents/", {"file": SimpleUploadedFile("note.txt", b"A short note.\n")}, format="multipart")
    document_id = response.json()["id"]
    _purge("ingest", "inference")
    with django_capture_on_commit_callbacks(execute=True):
        extract_text(document_id)  # stores the text and queues PII redaction
    assert Document.objects.get(pk=document_id).status == Document.Status.TEXT_EXTRACTED
    assert _waiting("inference") == 1
    _purge("inference")  # as if the worker had been killed after storing the text, before publishing

    with django_capture_on_commit_callbacks(execute=True):
        extract_text(document_id)  # the same message, put back for the next worker
    assert _waiting("inference") == 1
    assert Document.objects.get(pk=document_id).status == Document.Status.TEXT_EXTRACTED  # text stored once
    _purge("inference")
