"""The evidence-layer contract: types, normalisation, dispatch, errors."""
import pickle

import pytest

from extraction.text import ExtractionError, PageText, extract_pages, normalize_text
from tests import docgen
from tests.extraction.text_helpers import PDF, PLAIN, extraction_error


def test_page_text_is_frozen():
    page = PageText(number=1, text="abc", method="plain")
    with pytest.raises(Exception):
        page.text = "changed"


def test_extraction_error_has_code_and_clerk_message():
    exc = ExtractionError("encrypted", "The PDF is password-protected.")
    assert exc.code == "encrypted"
    assert str(exc) == "The PDF is password-protected."
    clone = pickle.loads(pickle.dumps(exc))  # Celery result backends pickle exceptions
    assert (clone.code, str(clone)) == (exc.code, str(exc))


def test_normalize_is_nfc_without_nul_and_keeps_everything_else():
    text = "Cafe\u0301\x00 \t line\r\n\u00a0end  "
    assert normalize_text(text) == "Café \t line\r\n\u00a0end  "
    assert normalize_text("bad \ud800 surrogate") == "bad \ufffd surrogate"
    assert normalize_text(normalize_text(text)) == normalize_text(text)


def test_extraction_is_deterministic(tmp_path):
    path = docgen.make_pdf(tmp_path / "a.pdf", ["Alpha page one", "Beta page two"])
    assert extract_pages(path, PDF) == extract_pages(path, PDF)


def test_unsupported_media_type(tmp_path):
    path = docgen.make_exe(tmp_path / "setup.exe")
    exc = extraction_error(path, "application/x-msdownload")
    assert exc.code == "unsupported_type"


def test_media_type_parameters_are_ignored(tmp_path):
    path = docgen.make_text_file(tmp_path / "a.txt", "Hello Colony")
    pages = extract_pages(path, "Text/Plain; charset=utf-8")
    assert pages[0].text == "Hello Colony"


@pytest.mark.parametrize("media_type", [PDF, PLAIN, "image/png",
                                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"])
def test_empty_file(tmp_path, media_type):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    assert extraction_error(path, media_type).code == "empty"


def test_whitespace_only_text_is_empty(tmp_path):
    path = docgen.make_text_file(tmp_path / "blank.txt", " \n\t\n  \f \n")
    assert extraction_error(path, PLAIN).code == "empty"


def test_missing_file_is_an_os_error_not_a_content_error(tmp_path):
    with pytest.raises(OSError):
        extract_pages(tmp_path / "nope.pdf", PDF)
