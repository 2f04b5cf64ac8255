"""Reading documents through the API: detail, list filters and pagination, text, schema."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appliance.documents.models import Document, Page


def post_text(client, name, body):
    return client.post("/api/v1/documents/", {"file": SimpleUploadedFile(name, body)}, format="multipart").json()


@pytest.fixture
def client(clerk, api_client):
    return api_client(clerk)


@pytest.mark.django_db
def test_detail_shows_status_and_history(client):
    created = post_text(client, "note.txt", b"a note")
    body = client.get(f"/api/v1/documents/{created['id']}/").json()
    assert body["status"] == "received"
    assert [change["status"] for change in body["history"]] == ["received"]


@pytest.mark.django_db
def test_text_endpoint_returns_redacted_pages_in_order(client):
    created = post_text(client, "note.txt", b"a note")
    document = Document.objects.get(pk=created["id"])
    Page.objects.create(document=document, number=2, text="Call Jane Roe", redacted_text="Call <PERSON_1>", method="plain")
    Page.objects.create(document=document, number=1, text="first", redacted_text="first", method="plain")
    body = client.get(created["text_url"]).json()
    assert body["view"] == "redacted"
    assert [(p["number"], p["text"]) for p in body["pages"]] == [(1, "first"), (2, "Call <PERSON_1>")]


@pytest.mark.django_db
def test_original_text_needs_the_reveal_permission_and_is_audited(client, make_user, api_client):
    from audit.models import AuditEvent

    created = post_text(client, "note.txt", b"a note")
    document = Document.objects.get(pk=created["id"])
    Page.objects.create(document=document, number=1, text="Call Jane Roe", redacted_text="Call <PERSON_1>", method="plain")
    assert client.get(created["text_url"], {"view": "original"}).status_code == 403
    admin = api_client(make_user("admin"))
    body = admin.get(created["text_url"], {"view": "original"}).json()
    assert body["pages"][0]["text"] == "Call Jane Roe"
    assert AuditEvent.objects.filter(kind="pii_revealed", document_id=document.id).count() == 1


@pytest.mark.django_db
def test_list_filters_by_status_and_filename_and_paginates(client, settings):
    for i in range(3):
        post_text(client, f"report-{i}.txt", f"report body {i}".encode())
    post_text(client, "letter.txt", b"letter body")
    Document.objects.filter(original_filename="letter.txt").update(status="failed")

    assert client.get("/api/v1/documents/").json()["count"] == 4
    by_name = client.get("/api/v1/documents/", {"q": "report"}).json()
    assert by_name["count"] == 3
    failed = client.get("/api/v1/documents/", {"status": "failed"}).json()
    assert [d["original_filename"] for d in failed["results"]] == ["letter.txt"]
    paged = client.get("/api/v1/documents/", {"page_size": 2, "page": 1}).json()
    assert paged["count"] == 4 and len(paged["results"]) == 2 and paged["next"]


@pytest.mark.django_db
def test_unknown_document_is_a_json_404(client):
    response = client.get("/api/v1/documents/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_openapi_schema_and_docs_page_are_served(client, clerk):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/documents/" in schema.content
    from django.test import Client

    browser = Client()
    browser.force_login(clerk)
    docs = browser.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "param, value, message",
    [
        ("created_after", "2024-02-30T00:00:00Z", "wrong format"),  # well-formed, but no such day
        ("created_before", "yesterday", "wrong format"),
        ("created_after", "0001-01-01T00:00:00+05:00", "out of range"),  # before year 1 in UTC
        ("q", "re\x00port", "Null characters"),  # PostgreSQL cannot compare text with a NUL
        ("media_type", "text/plain\x00", "Null characters"),
    ],
)
def test_unusable_list_filter_is_a_400_naming_the_parameter(client, param, value, message):
    post_text(client, "report.txt", b"report body")
    response = client.get("/api/v1/documents/", {param: value})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert message in error["detail"][param][0]


@pytest.mark.django_db
def test_date_filter_takes_any_iso_offset_even_past_postgresqls_range(client):
    # ISO 8601 allows offsets up to ±23:59; PostgreSQL refuses beyond ±15:59, so the bound goes in UTC.
    created = post_text(client, "report.txt", b"report body")
    after = client.get("/api/v1/documents/", {"created_after": "2000-01-01T00:00:00+21:45"})
    assert after.status_code == 200
    assert [d["id"] for d in after.json()["results"]] == [created["id"]]
    before = client.get("/api/v1/documents/", {"created_before": "2000-01-01T00:00:00-17:31"})
    assert before.status_code == 200
    assert before.json()["count"] == 0


@pytest.mark.django_db
def test_schema_says_doc_type_is_null_until_classified(client):
    created = post_text(client, "note.txt", b"a note")
    assert client.get(f"/api/v1/documents/{created['id']}/").json()["doc_type"] is None
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for component in ("Document", "DocumentList"):
        assert schema["components"]["schemas"][component]["properties"]["doc_type"]["nullable"] is True


@pytest.mark.django_db
def test_schema_describes_field_values_and_names_each_status_after_its_model(client):
    schemas = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["components"]["schemas"]
    value = schemas["ExtractedField"]["properties"]["value"]
    assert {"type": "string"} in value["oneOf"] and value["nullable"] is True
    assert any(option.get("type") == "array" for option in value["oneOf"])  # an NDA's parties
    assert "accepted" in schemas["ExtractedFieldStatusEnum"]["enum"]
    assert "needs_review" in schemas["DocumentStatusEnum"]["enum"]


@pytest.mark.django_db
def test_schema_lists_each_operations_error_answers_in_the_shape_the_api_sends(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert set(schema["components"]["schemas"]["ErrorDetail"]["required"]) == {"code", "message"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "401" in operation["responses"], (method, path)
    assert "413" in schema["paths"]["/api/v1/documents/"]["post"]["responses"]
    assert "404" in schema["paths"]["/api/v1/documents/{id}/"]["get"]["responses"]
    # what a client without credentials actually gets
    from rest_framework.test import APIClient

    answer = APIClient().get("/api/v1/documents/")
    assert answer.status_code == 401
    assert set(answer.json()["error"]) >= {"code", "message"}
