"""Limits on characters per page and per document: refused with a reason, before any later stage."""
from tests.extraction.text_helpers import PLAIN, extraction_error
from extraction.text import extract_pages


def test_a_page_over_the_character_limit_is_refused_with_its_number(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("short first page\f" + "Jane Example 555-0100\n" * 1000)
    exc = extraction_error(path, PLAIN, secrets=["Jane Example"], max_page_chars=10_000)
    assert exc.code == "too_much_text"
    assert "Page 2" in str(exc) and "10,000" in str(exc)


def test_a_document_over_the_character_limit_is_refused(tmp_path):
    path = tmp_path / "many.txt"
    path.write_text("\f".join(["Jane Example 555-0100\n" * 100] * 10))
    exc = extraction_error(path, PLAIN, secrets=["Jane Example"], max_page_chars=10_000, max_document_chars=20_000)
    assert exc.code == "too_much_text"
    assert "20,000" in str(exc)


def test_text_within_the_limits_is_kept_whole(tmp_path):
    path = tmp_path / "fits.txt"
    path.write_text("x" * 10_000)
    [page] = extract_pages(path, PLAIN, max_page_chars=10_000, max_document_chars=10_000)
    assert len(page.text) == 10_000
