"""Plain-text files: encodings, newlines, form-feed pages."""
from extraction.text import extract_pages
from tests import docgen
from tests.extraction.text_helpers import PLAIN, extraction_error


def test_utf8(tmp_path):
    path = docgen.make_text_file(tmp_path / "a.txt", "Grüße aus Köln — 東京\nline two\n")
    [page] = extract_pages(path, PLAIN)
    assert page.number == 1 and page.method == "plain"
    assert page.text == "Grüße aus Köln — 東京\nline two\n"


def test_utf8_bom_is_not_text(tmp_path):
    path = docgen.make_text_file(tmp_path / "a.txt", "Invoice 42", bom=True)
    assert extract_pages(path, PLAIN)[0].text == "Invoice 42"


def test_cp1252_with_crlf(tmp_path):
    path = docgen.make_cp1252_text(tmp_path / "legacy.txt")
    [page] = extract_pages(path, PLAIN)
    assert page.text == "Café Müller – “Straße” 12, 50667 Köln\nTotal: 1.234,56 €\n"


def test_short_cp1252(tmp_path):
    path = docgen.make_text_file(tmp_path / "short.txt", "Grüße", "cp1252")
    assert extract_pages(path, PLAIN)[0].text == "Grüße"


def test_utf16_with_bom(tmp_path):
    path = docgen.make_utf16_text(tmp_path / "wide.txt")
    [page] = extract_pages(path, PLAIN)
    assert page.text == "Zoë Ångström, Łódź – invoice 2024-001\nTotal: 99,00 €\n"


def test_utf16_le_without_bom(tmp_path):
    path = docgen.make_text_file(tmp_path / "wide.txt", "Plain ASCII in UTF-16 without a BOM", "utf-16-le")
    assert extract_pages(path, PLAIN)[0].text == "Plain ASCII in UTF-16 without a BOM"


def test_lone_carriage_returns_become_newlines(tmp_path):
    path = tmp_path / "mac.txt"
    path.write_bytes(b"one\rtwo\r\nthree\n")
    assert extract_pages(path, PLAIN)[0].text == "one\ntwo\nthree\n"


def test_form_feeds_split_pages(tmp_path):
    path = docgen.make_text_file(tmp_path / "print.txt", "first page\fsecond page\f\fthird\f")
    pages = extract_pages(path, PLAIN)
    assert [p.number for p in pages] == [1, 2, 3, 4]
    assert [p.text for p in pages] == ["first page", "second page", "", "third"]


def test_too_many_form_feed_pages(tmp_path):
    path = docgen.make_text_file(tmp_path / "print.txt", "\f".join(f"page {i}" for i in range(5)))
    assert extraction_error(path, PLAIN, max_pages=4).code == "too_many_pages"
    assert len(extract_pages(path, PLAIN, max_pages=5)) == 5


def test_nul_bytes_are_stripped(tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(b"Name: Jane\x00 Example\n")
    assert extract_pages(path, PLAIN)[0].text == "Name: Jane Example\n"


def test_nfc_normalised(tmp_path):
    path = docgen.make_text_file(tmp_path / "nfd.txt", "Cafe\u0301")
    assert extract_pages(path, PLAIN)[0].text == "Café"


def test_binary_as_text_is_undecodable(tmp_path):
    path = docgen.make_binary(tmp_path / "blob.txt", 8192)
    exc = extraction_error(path, PLAIN)
    assert exc.code == "undecodable_text"


def test_invalid_utf16_after_bom_is_undecodable(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(b"\xff\xfe" + "Secret text".encode("utf-16-le") + b"\x00\xd8")  # lone high surrogate
    exc = extraction_error(path, PLAIN, secrets=["Secret text"])
    assert exc.code == "undecodable_text"
