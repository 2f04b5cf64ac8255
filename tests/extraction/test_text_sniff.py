"""Media types by content, never by name."""
import random

import pytest

from extraction.text import SUPPORTED_MEDIA_TYPES, sniff_file, sniff_media_type
from tests import docgen
from tests.extraction.text_helpers import DOCX, JPEG, PDF, PLAIN, PNG, TIFF


def test_supported_media_types():
    assert SUPPORTED_MEDIA_TYPES == {PDF, PLAIN, DOCX, PNG, JPEG, TIFF}


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda p: docgen.make_pdf(p, ["Hello"]), PDF),
        (lambda p: docgen.make_scanned_pdf(p, "Hello"), PDF),
        (lambda p: docgen.make_encrypted_pdf(p, "pw"), PDF),
        (lambda p: docgen.make_docx(p, ["Hello"], [["a", "b"]]), DOCX),
        (lambda p: docgen.make_image(p, "Hi", "PNG"), PNG),
        (lambda p: docgen.make_image(p, "Hi", "JPEG"), JPEG),
        (lambda p: docgen.make_image(p, "Hi", "TIFF"), TIFF),
        (lambda p: docgen.make_multipage_tiff(p, ["a", "b"]), TIFF),
        (lambda p: docgen.make_text_file(p, "Hello, world.\n"), PLAIN),
        (lambda p: docgen.make_cp1252_text(p), PLAIN),
        (lambda p: docgen.make_utf16_text(p), PLAIN),
        (lambda p: docgen.make_text_file(p, "Ünïcödé with BOM", bom=True), PLAIN),
    ],
)
def test_sniff_by_content_whatever_the_name(tmp_path, build, expected):
    path = build(tmp_path / "misleading.exe")  # the name never matters
    assert sniff_file(path) == expected
    with open(path, "rb") as fh:
        assert sniff_media_type(fh.read(8192)) == expected


def test_pdf_named_txt_is_pdf(tmp_path):
    path = docgen.make_pdf(tmp_path / "notes.txt", ["Not really text"])
    assert sniff_file(path) == PDF


def test_pdf_after_leading_whitespace(tmp_path):
    path = docgen.make_pdf(tmp_path / "a.pdf", ["Leading whitespace"])
    path.write_bytes(b"\r\n  \n" + path.read_bytes())
    assert sniff_file(path) == PDF


def test_text_named_pdf_is_text(tmp_path):
    path = docgen.make_text_file(tmp_path / "report.pdf", "Just words.")
    assert sniff_file(path) == PLAIN


def _write(path, data):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "build",
    [
        docgen.make_exe,
        lambda p: docgen.make_binary(p, 4096),
        lambda p: docgen.make_binary(p, 100, seed=7),
        lambda p: docgen.make_zip(p, {"readme.txt": b"hello", "data.bin": bytes(100)}),
        # A ZIP with Word-like entry names but no Word content type is not a DOCX.
        lambda p: docgen.make_zip(p, {"word/document.xml": b"<x/>"}),
        docgen.make_corrupt_docx,
        lambda p: _write(p, b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!"),
        lambda p: _write(p, b"{\\rtf1\\ansi Hello}"),
        lambda p: _write(p, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),  # legacy .doc / OLE
        lambda p: _write(p, b""),
    ],
)
def test_unsupported_content_is_none(tmp_path, build):
    path = build(tmp_path / "upload.pdf")
    assert sniff_file(path) is None


def test_empty_head_is_none():
    assert sniff_media_type(b"") is None


def test_random_bytes_are_not_text():
    rng = random.Random(42)
    for _ in range(50):
        assert sniff_media_type(rng.randbytes(8192)) is None
    # Even without NUL bytes, longer random content is not text.
    for _ in range(50):
        blob = bytes(rng.randrange(1, 256) for _ in range(500))
        assert sniff_media_type(blob) is None


def test_truncated_utf8_head_is_text():
    data = ("Grüße " * 2000).encode("utf-8")
    head = data[: data.index(b"\xc3", 8000) + 1]  # cut inside "ü"
    assert head[-1:] == b"\xc3" and len(head) <= 8192
    assert sniff_media_type(head) == PLAIN


def test_docx_in_a_long_file_needs_sniff_file(tmp_path):
    paragraphs = [f"Paragraph {i} " + "lorem ipsum " * 20 for i in range(400)]
    path = docgen.make_docx(tmp_path / "big.docx", paragraphs)
    assert path.stat().st_size > 8192
    assert sniff_file(path) == DOCX
