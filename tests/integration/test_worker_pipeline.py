"""A real Celery worker process, the configured broker and database: upload a PDF, get its text."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appliance.documents.models import Document
from tests import docgen
from tests.integration.workers import start_worker, stop, wait_until, worker_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    process = start_worker(worker_env(), log_path=tmp_path / "worker.log")
    yield process
    stop(process)


def finished(document_id):
    document = Document.objects.get(pk=document_id)
    return document if document.is_final else None


def test_uploaded_multipage_pdf_gets_its_text_from_a_real_worker(worker, clerk, api_client, tmp_path):
    path = tmp_path / "contract.pdf"
    docgen.make_pdf(path, ["Agreement between Alpha and Beta", "Signed on the second page"])
    client = api_client(clerk)
    response = client.post(
        "/api/v1/documents/", {"file": SimpleUploadedFile("contract.pdf", path.read_bytes())}, format="multipart"
    )
    assert response.status_code == 202
    document = wait_until(lambda: finished(response.json()["id"]))
    assert document is not None, (tmp_path / "worker.log").read_text()[-3000:]
    assert document.status == Document.Status.TEXT_EXTRACTED, document.failure_reason

    text = client.get(response.json()["text_url"]).json()
    assert [page["number"] for page in text["pages"]] == [1, 2]
    assert "Alpha and Beta" in text["pages"][0]["text"]
    assert "second page" in text["pages"][1]["text"]
    history = [change.status for change in document.history.all()]
    assert history == ["received", "text_extracted"]


def test_broken_pdf_fails_with_a_reason_and_keeps_its_original(worker, clerk, api_client, tmp_path):
    path = tmp_path / "broken.pdf"
    docgen.make_truncated_pdf(path)
    client = api_client(clerk)
    response = client.post(
        "/api/v1/documents/", {"file": SimpleUploadedFile("broken.pdf", path.read_bytes())}, format="multipart"
    )
    assert response.status_code == 202
    document = wait_until(lambda: finished(response.json()["id"]))
    assert document is not None, (tmp_path / "worker.log").read_text()[-3000:]
    assert document.status == Document.Status.FAILED
    assert document.failure_reason
    assert document.original.read() == path.read_bytes()
