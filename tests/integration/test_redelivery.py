"""A worker killed with kill -9 in the middle of a task on Redis: the message it had taken is put back
when a worker starts again (appliance/broker.py), well before the visibility timeout, and the document
is processed once. The real worker, broker and database; bin/start's own Redis is covered in
test_supervision.py. Runs where the configured broker is Redis (CI), else skips."""
import os
import signal
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from appliance.celery import app
from appliance.documents.models import Document
from audit.models import AuditEvent
from tests.integration.workers import start_worker, stop, wait_until, worker_env

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.CELERY_BROKER_URL.startswith("redis"), reason="the configured broker is not Redis"),
]

# Long enough that PII detection takes seconds, so the worker is killed inside it.
STATEMENT = "".join(f"Statement line {i}: paid John Smith of 12 Baker Street, London, phone 020 7946 {i % 10000:04d}.\n"
                    for i in range(3000))


def _taken_messages():
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        return channel.client.hlen(channel.unacked_key)


def test_a_message_a_killed_worker_had_taken_is_redone_once_when_a_worker_starts_again(clerk, api_client, tmp_path):
    with app.connection_for_write() as connection:  # nothing left taken by an earlier test's worker
        channel = connection.default_channel
        channel.client.delete(channel.unacked_key, channel.unacked_index_key)
    env = {**worker_env(), "COLONY_RESTORE_UNACKED_ON_START": "1"}
    first = start_worker(env, log_path=tmp_path / "first.log")
    try:
        response = api_client(clerk).post(
            "/api/v1/documents/", {"file": SimpleUploadedFile("statement.txt", STATEMENT.encode())}, format="multipart")
        assert response.status_code == 202
        document_id = response.json()["id"]

        def inside_pii_detection():
            status = Document.objects.get(pk=document_id).status
            return status == Document.Status.TEXT_EXTRACTED and _taken_messages() == 1

        assert wait_until(inside_pii_detection, timeout=120, interval=0.1), (tmp_path / "first.log").read_text()[-3000:]
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop(first)
    assert Document.objects.get(pk=document_id).status == Document.Status.TEXT_EXTRACTED
    assert _taken_messages() == 1  # held for the dead worker: without a restore, for the visibility timeout

    restarted = time.monotonic()
    second = start_worker(env, log_path=tmp_path / "second.log")
    try:
        moved_on = wait_until(lambda: Document.objects.get(pk=document_id).status != Document.Status.TEXT_EXTRACTED,
                              timeout=120, interval=0.2)
        assert moved_on, (tmp_path / "second.log").read_text()[-3000:]
        assert time.monotonic() - restarted < 60
        document = wait_until(lambda: (d := Document.objects.get(pk=document_id)).is_final and d, timeout=120)
        assert document and document.status in (Document.Status.DONE, Document.Status.NEEDS_REVIEW), (
            (tmp_path / "second.log").read_text()[-3000:])
    finally:
        stop(second)
    assert AuditEvent.objects.filter(document_id=document_id, kind="pii_redacted").count() == 1
    statuses = [change.status for change in document.history.all()]
    assert statuses == ["received", "text_extracted", "pii_redacted", "classified", document.status]
    assert "put back 1 message(s)" in (tmp_path / "second.log").read_text()
    assert _taken_messages() == 0
