"""A real Celery worker process, the configured broker and database, the real models:
upload documents through the API and follow them through every stage."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from appliance.documents.models import Document
from audit.models import AuditEvent
from tests import docgen
from tests.integration.workers import start_worker, stop, wait_until, worker_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RECEIPT_PAGES = [
    "KEDAI RUNCIT MAJU JAYA SDN BHD\n"
    "NO 12, JALAN MAWAR 3, TAMAN BUNGA RAYA,\n"
    "43000 KAJANG, SELANGOR.\n"
    "TEL: 03-8736 1234\n"
    "CASH RECEIPT\n"
    "DATE: 14/03/2019 10:22\n"
    "MILO 1KG 1 x 18.90 18.90\n"
    "GARDENIA BREAD 1 x 4.20 4.20\n"
    "SUBTOTAL 23.10\n"
    "TOTAL 23.10\n"
    "CASH 50.00\n"
    "CHANGE 26.90\n"
    "THANK YOU. PLEASE COME AGAIN.",
    "Customer copy. Goods sold are not returnable.",
]


@pytest.fixture
def worker(tmp_path):
    process = start_worker(worker_env(), log_path=tmp_path / "worker.log")
    yield process
    stop(process)


def finished(document_id):
    document = Document.objects.get(pk=document_id)
    return document if document.is_final else None


def upload(client, path):
    return client.post(
        "/api/v1/documents/", {"file": SimpleUploadedFile(path.name, path.read_bytes())}, format="multipart"
    )


def test_uploaded_receipt_goes_through_every_stage(worker, clerk, api_client, tmp_path):
    path = tmp_path / "receipt.pdf"
    docgen.make_pdf(path, RECEIPT_PAGES)
    client = api_client(clerk)
    response = upload(client, path)
    assert response.status_code == 202
    document = wait_until(lambda: finished(response.json()["id"]), timeout=180)
    assert document is not None, (tmp_path / "worker.log").read_text()[-3000:]
    assert document.status in (Document.Status.DONE, Document.Status.NEEDS_REVIEW), (
        document.failure_reason, (tmp_path / "worker.log").read_text()[-5000:]
    )
    assert [change.status for change in document.history.all()] == [
        "received", "text_extracted", "pii_redacted", "classified", document.status,
    ]

    detail = client.get(response.json()["url"]).json()
    assert detail["doc_type"] == "receipt"
    fields = {field["name"]: field for field in detail["fields"]}
    assert fields["total"]["value"] == "23.10"
    assert fields["date"]["value"] == "2019-03-14"
    evidence = fields["total"]["evidence"][0]
    page_text = document.pages.get(number=evidence["page"]).text
    assert page_text[evidence["start"]:evidence["end"]] == "23.10"

    text = client.get(response.json()["text_url"]).json()
    assert [page["number"] for page in text["pages"]] == [1, 2]
    assert "MILO" in text["pages"][0]["text"]
    assert "returnable" in text["pages"][1]["text"]
    kinds = set(AuditEvent.objects.filter(document_id=document.id).values_list("kind", flat=True))
    assert {"document_received", "text_extracted", "pii_redacted", "classified", "field_extracted"} <= kinds


def test_personal_data_is_redacted_before_anyone_reads_it(worker, clerk, api_client, tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text(
        "Dear Dr. Margaret Thornbury,\n\nI am writing to refer my patient to your clinic. "
        "You can reach me at margaret.thornbury@example.org or +1 415 555 0199.\n\nYours sincerely,\nDr. Alan Whitcombe\n"
    )
    client = api_client(clerk)
    response = upload(client, path)
    document = wait_until(lambda: finished(response.json()["id"]), timeout=180)
    assert document is not None, (tmp_path / "worker.log").read_text()[-3000:]
    text = client.get(response.json()["text_url"]).json()["pages"][0]["text"]
    for secret in ("Thornbury", "margaret.thornbury@example.org", "555 0199", "Whitcombe"):
        assert secret not in text
    assert "<PERSON_1>" in text
    assert "refer my patient" in text


def test_broken_pdf_fails_with_a_reason_and_keeps_its_original(worker, clerk, api_client, tmp_path):
    path = tmp_path / "broken.pdf"
    docgen.make_truncated_pdf(path)
    client = api_client(clerk)
    response = upload(client, path)
    assert response.status_code == 202
    document = wait_until(lambda: finished(response.json()["id"]))
    assert document is not None, (tmp_path / "worker.log").read_text()[-3000:]
    assert document.status == Document.Status.FAILED
    assert document.failure_code == "malformed_pdf"
    assert document.failure_reason
    assert document.original.read() == path.read_bytes()


def _worker_connections():
    """The server processes of the other clients of the test database: the worker's, here."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return {pid for (pid,) in cursor.fetchall()}


def test_the_worker_keeps_its_database_connection_between_documents(worker, clerk, api_client, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("server connections are PostgreSQL's")
    client = api_client(clerk)
    held = []
    for number in range(2):
        path = tmp_path / f"receipt-{number}.pdf"
        docgen.make_pdf(path, [RECEIPT_PAGES[0].replace("23.10", f"2{number}.10")])
        response = upload(client, path)
        assert wait_until(lambda: finished(response.json()["id"]), timeout=180) is not None
        # Celery closed the connection after each task unless told to reuse it (CELERY_DB_REUSE_MAX): then
        # no connection of the worker's outlives its task.
        held.append(wait_until(_worker_connections, timeout=10))
    assert held[0] and held[1], "the worker closed its database connections after its tasks"
    assert held[0] & held[1], "the second document's tasks opened new connections"
