"""The web UI's core flows, without JavaScript: log in, upload several files, list, filter, detail."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from appliance.documents.models import Document, Page


@pytest.fixture
def browser(clerk):
    client = Client()
    client.force_login(clerk)
    return client


@pytest.mark.django_db
def test_login_page_logs_a_clerk_in(clerk):
    client = Client()
    response = client.post("/login/", {"username": clerk.username, "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_wrong_password_shows_an_error(clerk):
    response = Client().post("/login/", {"username": clerk.username, "password": "wrong"})
    assert response.status_code == 200
    assert b"did not match" in response.content


@pytest.mark.django_db
def test_upload_of_several_files_without_javascript(browser):
    files = [SimpleUploadedFile("one.txt", b"first file"), SimpleUploadedFile("two.txt", b"second file")]
    response = browser.post("/upload/", {"files": files}, follow=True)
    assert response.status_code == 200
    assert Document.objects.filter(source="web").count() == 2
    assert b"one.txt" in response.content and b"two.txt" in response.content


@pytest.mark.django_db
def test_upload_with_script_gets_per_file_json_results(browser):
    files = [SimpleUploadedFile("ok.txt", b"fine"), SimpleUploadedFile("empty.txt", b"")]
    response = browser.post("/upload/", {"files": files}, HTTP_ACCEPT="application/json")
    results = {r["filename"]: r for r in response.json()["results"]}
    assert results["ok.txt"]["ok"] is True
    assert results["empty.txt"]["ok"] is False
    assert results["empty.txt"]["code"] == "empty"
    assert Document.objects.count() == 1


@pytest.mark.django_db
def test_a_declared_type_is_kept_and_an_unknown_one_refused(browser):
    assert b'<option value="nda">' in browser.get("/upload/").content
    response = browser.post("/upload/", {"files": [SimpleUploadedFile("a.txt", b"an agreement")], "doc_type": "nda"},
                            HTTP_ACCEPT="application/json")
    assert response.json()["results"][0]["ok"] is True
    assert Document.objects.get().doc_type.name == "nda"
    response = browser.post("/upload/", {"files": [SimpleUploadedFile("b.txt", b"x")], "doc_type": "no_such_type"})
    assert response.status_code == 400 and b"Select a valid choice" in response.content
    assert Document.objects.count() == 1


@pytest.mark.django_db
def test_bad_file_in_web_upload_shows_the_reason(browser):
    response = browser.post("/upload/", {"files": [SimpleUploadedFile("x.bin", b"\x00\x01\x02\xff" * 50)]}, follow=True)
    assert b"not supported" in response.content
    assert Document.objects.count() == 0


@pytest.mark.django_db
def test_list_search_and_htmx_partial(browser):
    # follow: the upload's confirmation messages (which name both files) are shown once, on the redirect.
    browser.post("/upload/", {"files": [SimpleUploadedFile("alpha.txt", b"a"), SimpleUploadedFile("beta.txt", b"b")]}, follow=True)
    page = browser.get("/", {"q": "alp"})
    assert b"alpha.txt" in page.content and b"beta.txt" not in page.content
    partial = browser.get("/", HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content
    assert b"alpha.txt" in partial.content


@pytest.mark.django_db
def test_detail_page_shows_text_per_page_and_history(browser):
    browser.post("/upload/", {"files": [SimpleUploadedFile("doc.txt", b"body")]})
    document = Document.objects.get()
    Page.objects.create(document=document, number=1, text="Hello evidence from Jane Roe", method="plain")
    document.move_to(Document.Status.TEXT_EXTRACTED)
    pending = browser.get(f"/documents/{document.id}/")
    assert b"Jane Roe" not in pending.content  # nothing shows before redaction has run
    assert b"Text extracted" in pending.content

    document.pii_spans = [{"page": 1, "start": 20, "end": 28, "type": "PERSON", "placeholder": "<PERSON_1>"}]
    Page.objects.filter(document=document).update(redacted_text="Hello evidence from <PERSON_1>")
    document.move_to(Document.Status.PII_REDACTED)
    document.save()
    response = browser.get(f"/documents/{document.id}/")
    assert b"Hello evidence from" in response.content
    assert b"Jane Roe" not in response.content
    assert b"&lt;PERSON_1&gt;" in response.content
    assert b"Page 1" in response.content


@pytest.mark.django_db
def test_revealing_personal_data_on_the_page_needs_the_permission_and_is_audited(browser, make_user):
    from audit.models import AuditEvent

    browser.post("/upload/", {"files": [SimpleUploadedFile("doc.txt", b"body")]})
    document = Document.objects.get()
    Page.objects.create(document=document, number=1, text="Hello from Jane Roe", redacted_text="Hello from <PERSON_1>",
                        method="plain")
    document.pii_spans = [{"page": 1, "start": 11, "end": 19, "type": "PERSON", "placeholder": "<PERSON_1>"}]
    document.save()
    document.move_to(Document.Status.PII_REDACTED)
    assert browser.get(f"/documents/{document.id}/", {"view": "original"}).status_code == 403
    admin = Client()
    admin.force_login(make_user("admin"))
    revealed = admin.get(f"/documents/{document.id}/", {"view": "original"})
    assert b"Jane Roe" in revealed.content
    assert AuditEvent.objects.filter(kind="pii_revealed", document_id=document.id).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("bound", ["2024-02-30T00:00:00Z", "2000-01-01T00:00:00+21:45"])
def test_list_date_bound_that_postgresql_would_refuse_is_not_a_500(browser, bound):
    browser.post("/upload/", {"files": [SimpleUploadedFile("one.txt", b"first file")]})
    response = browser.get("/", {"created_after": bound})
    assert response.status_code == 200
    assert b"one.txt" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("param", ["q", "media_type"])
def test_list_search_with_a_nul_character_is_not_a_500(browser, param):
    # PostgreSQL cannot compare text holding NUL; the web list drops the character, as it ignores other junk
    browser.post("/upload/", {"files": [SimpleUploadedFile("one.txt", b"first file")]})
    response = browser.get("/", {param: "one\x00" if param == "q" else "text/plain\x00"})
    assert response.status_code == 200
    assert b"one.txt" in response.content
