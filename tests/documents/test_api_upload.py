"""Uploading through the REST API: accepted files, duplicates, idempotency and every kind of bad input."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from appliance.documents.models import Document
from tests import docgen

URL = "/api/v1/documents/"


def upload(client, name, content, **headers):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)}, format="multipart", **headers)


@pytest.fixture
def client(clerk, api_client):
    return api_client(clerk)


@pytest.fixture
def pdf_bytes(tmp_path):
    path = tmp_path / "in.pdf"
    docgen.make_pdf(path, ["Invoice 42 page one", "Total due page two"])
    return path.read_bytes()


@pytest.mark.django_db
def test_pdf_upload_is_accepted_with_202_and_its_url(client, pdf_bytes):
    response = upload(client, "invoice.pdf", pdf_bytes)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["created"] is True
    assert body["status"] == "received"
    assert body["media_type"] == "application/pdf"
    assert response["Location"].endswith(f"/api/v1/documents/{body['id']}/")
    document = Document.objects.get(pk=body["id"])
    assert document.source == "api"
    assert document.original.read() == pdf_bytes
    # Stored under a random name, never the uploaded one.
    assert "invoice" not in document.original.name


@pytest.mark.django_db
def test_media_type_is_sniffed_from_content_not_extension(client, pdf_bytes):
    body = upload(client, "looks-like-text.txt", pdf_bytes).json()
    assert body["media_type"] == "application/pdf"


@pytest.mark.django_db
def test_same_file_twice_from_the_same_team_is_not_processed_twice(client, make_user, api_client, pdf_bytes):
    first = upload(client, "a.pdf", pdf_bytes).json()
    teammate = api_client(make_user("clerk", username="teammate"))
    second = upload(teammate, "b.pdf", pdf_bytes)
    assert second.status_code == 200
    assert second.json()["id"] == first["id"]
    assert second.json()["created"] is False
    assert Document.objects.count() == 1


@pytest.mark.django_db
def test_same_file_from_another_team_is_a_separate_document(client, make_user, api_client, pdf_bytes):
    upload(client, "a.pdf", pdf_bytes)
    other = api_client(make_user("clerk", username="other", team="other-team"))
    assert upload(other, "a.pdf", pdf_bytes).status_code == 202
    assert Document.objects.count() == 2


@pytest.mark.django_db
def test_idempotency_key_returns_the_first_document(client):
    first = upload(client, "a.txt", b"first body", HTTP_IDEMPOTENCY_KEY="k-1")
    again = upload(client, "a.txt", b"first body", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Document.objects.count() == 1


@pytest.mark.django_db
def test_idempotency_key_reused_for_another_file_is_a_conflict(client):
    first = upload(client, "a.txt", b"first body", HTTP_IDEMPOTENCY_KEY="k-1")
    reused = upload(client, "b.txt", b"a different body", HTTP_IDEMPOTENCY_KEY="k-1")
    assert reused.status_code == 409
    error = reused.json()["error"]
    assert error["code"] == "idempotency_key_reused" and first.json()["id"] in error["message"]
    assert Document.objects.count() == 1  # nothing stored for the second file


@pytest.mark.django_db
def test_idempotency_key_longer_than_stored_is_refused_not_cut(client):
    # Stored cut to 200 characters, the key never matched again: a retry with another body was a 500.
    response = upload(client, "a.txt", b"first body", HTTP_IDEMPOTENCY_KEY="k" * 201)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["detail"]["Idempotency-Key"] == ["Use at most 200 characters."]
    assert Document.objects.count() == 0
    first = upload(client, "a.txt", b"first body", HTTP_IDEMPOTENCY_KEY="k" * 200)
    again = upload(client, "a.txt", b"first body", HTTP_IDEMPOTENCY_KEY="k" * 200)
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]


@pytest.mark.django_db
def test_location_header_is_a_plain_str_that_a_wsgi_server_accepts(client):
    from wsgiref.headers import Headers

    response = upload(client, "a.txt", b"a body")
    assert response.status_code == 202
    # wsgiref (runserver) refuses a str subclass such as DRF's Hyperlink and answers 500 instead.
    assert type(response["Location"]) is str
    Headers(list(response.items()))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content, status, code",
    [
        ("empty.pdf", b"", 400, "empty"),
        ("program.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(range(256)) * 4, 415, "unsupported_type"),
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 200, 415, "unsupported_type"),
    ],
)
def test_bad_uploads_get_a_json_error_naming_the_problem(client, name, content, status, code):
    response = upload(client, name, content)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert Document.objects.count() == 0


@pytest.mark.django_db
def test_file_over_the_size_limit_is_refused_with_413(client, settings):
    settings.COLONY_MAX_UPLOAD_BYTES = 1000
    response = upload(client, "big.txt", b"x" * 5000)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert Document.objects.count() == 0


@pytest.mark.django_db
def test_declared_oversized_body_is_refused_before_it_is_read(client, settings):
    settings.COLONY_MAX_UPLOAD_BYTES = 1000
    response = client.post(URL, data=b"x" * 200_000, content_type="multipart/form-data; boundary=zzz")
    assert response.status_code == 413


@pytest.mark.django_db
def test_missing_file_field_is_a_validation_error(client):
    response = client.post(URL, {"other": "value"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "file" in response.json()["error"]["detail"]


@pytest.mark.django_db
def test_malformed_multipart_body_is_a_400_not_a_500(client):
    response = client.generic("POST", URL, b"--broken\r\nnot multipart", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "error" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", ["../../x", "a\x00b.txt", "n" * 500 + ".txt"])
def test_hostile_filenames_are_stored_for_display_only(client, hostile):
    response = upload(client, hostile, f"plain text body {len(hostile)}".encode())
    assert response.status_code == 202
    document = Document.objects.get(pk=response.json()["id"])
    assert "/" not in document.original_filename and "\x00" not in document.original_filename
    assert len(document.original_filename) <= 255
    assert ".." not in document.original.name


@pytest.mark.django_db
def test_anonymous_requests_are_refused(api_client):
    response = upload(api_client(None), "a.txt", b"hello")
    assert response.status_code == 401
    assert "error" in response.json()


@pytest.mark.django_db
def test_a_declared_type_is_kept_and_classification_skipped(client, pdf_bytes):
    from appliance.documents import processing
    from audit.models import AuditEvent

    response = client.post(URL, {"file": SimpleUploadedFile("a.pdf", pdf_bytes), "doc_type": "payslip"}, format="multipart")
    assert response.status_code == 202, response.content
    document = Document.objects.get(pk=response.json()["id"])
    assert (document.doc_type.name, document.doc_type_confidence) == ("payslip", 1.0)
    document.move_to(Document.Status.PII_REDACTED)
    processing.classify(document)
    document.refresh_from_db()
    assert document.status == Document.Status.CLASSIFIED and document.doc_type.name == "payslip"
    event = AuditEvent.objects.get(document_id=document.pk, kind="classified")
    assert event.details == {"doc_type": "payslip", "method": "declared"}


@pytest.mark.django_db
def test_an_unknown_declared_type_is_refused_and_nothing_is_stored(client, pdf_bytes):
    response = client.post(URL, {"file": SimpleUploadedFile("a.pdf", pdf_bytes), "doc_type": "no_such_type"}, format="multipart")
    assert response.status_code == 400
    assert "doc_type" in response.content.decode()
    assert not Document.objects.exists()


def _chunked_upload(client, content: bytes):
    """A multipart upload sent as HTTP/1.1 chunked transfer: no Content-Length, as curl -T - sends."""
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("big.txt", content)})
    # What gunicorn hands over: the de-chunked body, read until it ends.
    return client.generic("POST", URL, body, content_type=MULTIPART_CONTENT, CONTENT_LENGTH="",
                          HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": io.BytesIO(body)})


@pytest.mark.django_db
def test_a_chunked_upload_over_the_limit_is_413_and_one_within_it_is_stored(client, settings):
    settings.COLONY_MAX_UPLOAD_BYTES = 100 * 1024
    too_big = _chunked_upload(client, b"x" * (settings.COLONY_MAX_UPLOAD_BYTES + 70 * 1024))
    assert too_big.status_code == 413
    assert too_big.json()["error"]["code"] == "too_large"
    assert Document.objects.count() == 0
    small = _chunked_upload(client, b"A short letter.\n" * 10)
    assert small.status_code == 202
    assert Document.objects.get().size == 160


@pytest.mark.django_db
def test_an_upload_reads_the_uploaders_team_with_the_token(client, pdf_bytes, django_assert_max_num_queries):
    upload(client, "first.pdf", pdf_bytes + b"%first")
    # The lockout check, the token with its user and team, permissions (user's and groups'), the duplicate check,
    # the document, its history and its audit event (on PostgreSQL after an advisory lock), then the 202 body's
    # pages, fields and history. 16 before the team came with the token.
    with django_assert_max_num_queries(14 + (connection.vendor == "postgresql")):
        response = upload(client, "invoice.pdf", pdf_bytes)
    assert response.status_code == 202
    assert Document.objects.get(pk=response.json()["id"]).team.name == "default"


@pytest.mark.django_db
def test_a_token_of_a_user_in_no_team_authenticates_and_cannot_upload(make_user, api_client, pdf_bytes):
    from appliance.documents.models import Membership

    user = make_user("clerk", username="drifter")
    Membership.objects.filter(user=user).delete()
    response = upload(api_client(user), "invoice.pdf", pdf_bytes)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "no_team", response.json()
