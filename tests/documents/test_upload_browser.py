"""Uploading in a real browser: the page's script sends each file with the declared document type."""
from appliance.documents.models import Document
from tests.browser import browser_page, log_in, needs_chromium  # noqa: F401  (fixture)

pytestmark = needs_chromium


def test_files_dropped_with_a_declared_type_keep_it(live_server, make_user, browser_page, tmp_path):
    clerk = make_user("clerk")
    page = browser_page
    log_in(page, live_server, clerk)
    page.goto(f"{live_server.url}/upload/")
    page.select_option("#id_doc_type", "nda")
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("A mutual non-disclosure agreement.")
    second.write_text("Another confidentiality agreement.")
    page.set_input_files("#id_files", [str(first), str(second)])
    page.click("#upload-form button[type=submit]")
    # A locator, not wait_for_function: the page's Content-Security-Policy refuses evaluated strings.
    page.locator("#upload-progress a").nth(1).wait_for()
    documents = Document.objects.filter(uploader=clerk)
    assert sorted(d.original_filename for d in documents) == ["first.txt", "second.txt"]
    assert {d.doc_type.name for d in documents} == {"nda"}
