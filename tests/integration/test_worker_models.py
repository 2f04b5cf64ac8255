"""The three runtime calls (embed, generate, score) from inside a real Celery worker."""
import pytest

from audit.models import AuditEvent
from extraction.tasks import models_self_test
from tests.integration.workers import start_worker, stop, wait_until, worker_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_worker_embeds_generates_and_scores(tmp_path):
    worker = start_worker(worker_env(), queues="inference", log_path=tmp_path / "worker.log")
    try:
        models_self_test.delay()
        event = wait_until(lambda: AuditEvent.objects.filter(kind="models_self_tested").first(), timeout=120)
    finally:
        stop(worker)
    assert event is not None, (tmp_path / "worker.log").read_text()[-3000:]
    assert event.outcome == "passed", event.details
    assert event.details["embedding_dim"] == 384
    assert event.details["generated_tokens"] > 0
    assert event.tokens > 0
