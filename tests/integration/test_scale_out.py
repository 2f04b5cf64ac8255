"""Scale-out on the engine we use, PostgreSQL and Redis: the web server, an ingest-only worker and an
inference-only worker as separate processes, as on separate machines. The inference worker is killed
with kill -9 in the middle of the run and started again: every document ends once, none is lost, no
stage runs twice. Runs where the configured database is PostgreSQL and the broker Redis (CI)."""
import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token

from appliance.documents.models import Document
from audit.models import AuditEvent
from tests.integration.test_embedded_defaults import _healthy, api, free_port, multipart
from tests.integration.test_redelivery import STATEMENT, _taken_messages
from tests.integration.workers import REPO, start_worker, stop, wait_until, worker_env

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.CELERY_BROKER_URL.startswith("redis") or connection.vendor != "postgresql",
                       reason="needs PostgreSQL and Redis"),
]
RECEIPT = "KEDAI MAJU SDN BHD\nNO 12, JALAN MAWAR 3,\n43000 KAJANG.\nDATE: 14/03/2019\nTOTAL {n}.10\nCASH 50.00\n"


def test_a_killed_inference_worker_loses_nothing_and_repeats_nothing(clerk, tmp_path):
    env = {**worker_env(), "COLONY_RESTORE_UNACKED_ON_START": "1"}
    token = Token.objects.create(user=clerk).key
    port = free_port()
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "appliance.wsgi", "--bind", f"127.0.0.1:{port}",
                            "--workers", "1"], cwd=REPO, env={**os.environ, **env},
                           stdout=subprocess.DEVNULL, stderr=open(tmp_path / "web.log", "wb"))
    ingest = start_worker(env, queues="ingest", log_path=tmp_path / "ingest.log")
    inference = start_worker(env, queues="inference,default", log_path=tmp_path / "inference-1.log")
    restarted = None
    try:
        assert wait_until(lambda: _healthy(port), timeout=60), (tmp_path / "web.log").read_text()[-2000:]
        files = [("statement.txt", STATEMENT)] + [(f"receipt-{n}.txt", RECEIPT.format(n=n)) for n in range(10)]
        ids = []
        for name, text in files:
            status, created = api(port, token, "/api/v1/documents/", *multipart(name, text.encode()))
            assert status == 202
            ids.append(created["id"])
        # The statement is first in line and slow to redact: kill the inference worker inside it.
        assert wait_until(lambda: Document.objects.get(pk=ids[0]).status == Document.Status.TEXT_EXTRACTED
                          and _taken_messages() >= 1, timeout=120, interval=0.1), (tmp_path / "inference-1.log").read_text()[-3000:]
        os.kill(inference.pid, signal.SIGKILL)
        inference.wait(timeout=10)
        restarted = start_worker(env, queues="inference,default", log_path=tmp_path / "inference-2.log")
        assert wait_until(lambda: all(Document.objects.get(pk=i).is_final for i in ids), timeout=300), (
            [(i, Document.objects.get(pk=i).status) for i in ids], (tmp_path / "inference-2.log").read_text()[-3000:])
    finally:
        for process in (web, ingest, inference, restarted):
            if process is not None:
                stop(process)
    for document_id in ids:
        document = Document.objects.get(pk=document_id)
        assert document.status in (Document.Status.DONE, Document.Status.NEEDS_REVIEW), document.failure_reason
        statuses = [change.status for change in document.history.all()]
        assert statuses == ["received", "text_extracted", "pii_redacted", "classified", document.status]
        for kind in ("text_extracted", "pii_redacted", "classified"):
            assert AuditEvent.objects.filter(document_id=document_id, kind=kind).count() == 1, (document_id, kind)
    assert _taken_messages() == 0
