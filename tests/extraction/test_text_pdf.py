"""PDF: text layer per page, OCR of scanned pages, and every bad input."""
import re

import pypdf
import pytest

import extraction.text.ocr as ocr_module
import extraction.text.pdf as pdf_module
from extraction.text import extract_pages
from tests import docgen
from tests.extraction.text_helpers import PDF, all_text, assert_ocr_found, extraction_error, needs_tesseract


def test_multi_page_text_layer(tmp_path):
    texts = ["Invoice 2024-017 from Northwind Traders", "Payment terms thirty days", "Signed in Rotterdam"]
    path = docgen.make_pdf(tmp_path / "a.pdf", texts)
    pages = extract_pages(path, PDF)
    assert [p.number for p in pages] == [1, 2, 3]
    assert {p.method for p in pages} == {"text_layer"}
    for page, text in zip(pages, texts):
        assert text in page.text


def test_lines_are_kept(tmp_path):
    path = docgen.make_pdf(tmp_path / "a.pdf", ["First line of text\nSecond line of text"])
    [page] = extract_pages(path, PDF)
    assert "First line of text\nSecond line of text" in page.text


def test_owner_password_only_pdf_opens_with_empty_password(tmp_path):
    path = docgen.make_encrypted_pdf(tmp_path / "e.pdf", "", ["Quarterly statement for Jane Example"])
    [page] = extract_pages(path, PDF)
    assert "Quarterly statement for Jane Example" in page.text


def test_password_protected_pdf(tmp_path):
    path = docgen.make_encrypted_pdf(tmp_path / "e.pdf", "s3cret", ["Salary of Jane Example"])
    exc = extraction_error(path, PDF, secrets=["Salary", "Jane", "s3cret"])
    assert exc.code == "encrypted"


@pytest.mark.parametrize("keep", [0.1, 0.3, 0.6, 0.9, 0.97])
def test_truncated_pdf(tmp_path, keep):
    path = docgen.make_truncated_pdf(tmp_path / "t.pdf", keep=keep, pages=["Confidential merger memo"])
    exc = extraction_error(path, PDF, secrets=["merger", "memo"])
    assert exc.code == "malformed_pdf"


def test_garbage_after_pdf_header(tmp_path):
    path = docgen.make_garbage_pdf(tmp_path / "g.pdf")
    assert extraction_error(path, PDF).code == "malformed_pdf"


def test_recoverable_damage_uses_recovered_pages(tmp_path):
    path = docgen.make_damaged_pdf(tmp_path / "d.pdf", ["Recovered page one words", "Recovered page two words"])
    pages = extract_pages(path, PDF)
    assert [p.number for p in pages] == [1, 2]
    assert "Recovered page two words" in pages[1].text


def test_page_count_bomb(tmp_path):
    path = docgen.make_many_pages_pdf(tmp_path / "many.pdf", 501)
    exc = extraction_error(path, PDF)
    assert exc.code == "too_many_pages"
    assert "500" in str(exc)


def test_page_limit_is_checked_before_extracting(tmp_path, monkeypatch):
    path = docgen.make_many_pages_pdf(tmp_path / "many.pdf", 6)

    def no_extraction(self, *args, **kwargs):
        raise AssertionError("text extracted before the page count was checked")

    monkeypatch.setattr(pypdf.PageObject, "extract_text", no_extraction)
    assert extraction_error(path, PDF, max_pages=5).code == "too_many_pages"


def test_page_limit_uses_the_real_page_tree_when_count_lies(tmp_path):
    path = docgen.make_many_pages_pdf(tmp_path / "many.pdf", 6)
    data = path.read_bytes()
    assert b"/Count 6 " in data
    path.write_bytes(data.replace(b"/Count 6 ", b"/Count 1 "))
    assert extraction_error(path, PDF, max_pages=5).code == "too_many_pages"


def test_many_pages_within_limit(tmp_path):
    path = docgen.make_many_pages_pdf(tmp_path / "many.pdf", 30)
    pages = extract_pages(path, PDF, max_pages=30)
    assert [p.number for p in pages] == list(range(1, 31))
    assert "page number 30" in pages[29].text


@needs_tesseract
def test_scanned_page_is_ocred(tmp_path):
    path = docgen.make_scanned_pdf(tmp_path / "scan.pdf", "INVOICE Rotterdam\nTotal amount 4711 EUR")
    [page] = extract_pages(path, PDF)
    assert page.method == "ocr"
    assert_ocr_found(page.text, ["invoice", "rotterdam", "4711"])


@needs_tesseract
def test_mixed_pdf_ocrs_only_the_scanned_page(tmp_path):
    path = docgen.make_mixed_pdf(tmp_path / "mixed.pdf", ["Typed cover letter with a text layer"], "Scanned Amsterdam Harbour")
    pages = extract_pages(path, PDF)
    assert [(p.number, p.method) for p in pages] == [(1, "text_layer"), (2, "ocr")]
    assert "Typed cover letter with a text layer" in pages[0].text
    assert_ocr_found(pages[1].text, ["amsterdam", "harbour"])


@needs_tesseract
def test_scanned_pdf_with_owner_password_only(tmp_path):
    path = docgen.make_scanned_pdf(tmp_path / "scan.pdf", "Encrypted Antwerp scan")
    docgen.encrypt_pdf(path, "")
    [page] = extract_pages(path, PDF)
    assert page.method == "ocr"
    assert_ocr_found(page.text, ["antwerp", "scan"])


def test_scanned_pdf_without_tesseract(tmp_path, monkeypatch):
    monkeypatch.setattr("pytesseract.pytesseract.tesseract_cmd", str(tmp_path / "no-tesseract"))
    path = docgen.make_scanned_pdf(tmp_path / "scan.pdf", "Secret scanned words")
    exc = extraction_error(path, PDF, secrets=["secret", "scanned"])
    assert exc.code == "ocr_unavailable"


def test_huge_page_is_rendered_within_the_pixel_limit(tmp_path, monkeypatch):
    # 200 x 200 inch page: at 300 dpi that would be 3.6 billion pixels.
    path = docgen.make_pdf(tmp_path / "huge.pdf", [""], page_size=(14400, 14400))
    seen = []

    def fake_ocr(image, languages, *, dpi=None):
        seen.append((image.size, dpi))
        return "words found by OCR"

    monkeypatch.setattr(ocr_module, "ocr_image", fake_ocr)
    [page] = extract_pages(path, PDF, max_image_pixels=4_000_000)
    assert page.method == "ocr" and page.text == "words found by OCR"
    [((width, height), dpi)] = seen
    assert width * height <= 4_000_000
    assert dpi < 300


def test_unparseable_page_falls_back_to_ocr(tmp_path, monkeypatch):
    path = docgen.make_pdf(tmp_path / "a.pdf", ["A page pypdf will fail to read"])

    def broken(self, *args, **kwargs):
        raise KeyError("/Font")

    monkeypatch.setattr(pypdf.PageObject, "extract_text", broken)
    monkeypatch.setattr(ocr_module, "ocr_image", lambda image, languages, dpi=None: "read by OCR instead")
    [page] = extract_pages(path, PDF)
    assert (page.method, page.text) == ("ocr", "read by OCR instead")


def _unrenderable(monkeypatch):
    def refuse(*args, **kwargs):
        raise pdf_module.pdfium.PdfiumError("Failed to load document")

    monkeypatch.setattr(pdf_module.pdfium, "PdfDocument", refuse)


def test_near_empty_page_that_cannot_be_rendered_keeps_its_text_layer(tmp_path, monkeypatch):
    path = docgen.make_pdf(tmp_path / "a.pdf", ["Long enough text layer on page one", "p. 2"])
    _unrenderable(monkeypatch)
    pages = extract_pages(path, PDF)
    assert [(p.method, p.text.strip()) for p in pages] == [
        ("text_layer", "Long enough text layer on page one"), ("text_layer", "p. 2")]


def test_page_neither_readable_nor_renderable_is_malformed(tmp_path, monkeypatch):
    path = docgen.make_pdf(tmp_path / "a.pdf", ["Unreadable page words"])

    def broken(self, *args, **kwargs):
        raise ValueError("broken content stream")

    monkeypatch.setattr(pypdf.PageObject, "extract_text", broken)
    _unrenderable(monkeypatch)
    exc = extraction_error(path, PDF, secrets=["unreadable"])
    assert exc.code == "malformed_pdf"


def test_text_is_deterministic_across_runs(tmp_path):
    path = docgen.make_pdf(tmp_path / "a.pdf", ["Ünïcödé text – with “quotes” and ligatures ﬁ"])
    first = extract_pages(path, PDF)
    assert all(extract_pages(path, PDF) == first for _ in range(3))
    assert "\x00" not in all_text(first)
    assert re.search("quotes", all_text(first))
