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
