"""Helpers shared by the evidence-layer tests."""
import shutil

import pytest

from extraction.text import ExtractionError, extract_pages

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")

PDF = "application/pdf"
PLAIN = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"


def all_text(pages):
    return "\n".join(page.text for page in pages)


def assert_ocr_found(text, words):
    """OCR fuzz: every distinctive word is found, case-insensitively."""
    lowered = text.lower()
    missing = [w for w in words if w.lower() not in lowered]
    assert not missing, f"OCR missed {missing!r} in {text!r}"


def extraction_error(path, media_type, *, secrets=(), **kwargs) -> ExtractionError:
    """Run extract_pages expecting an ExtractionError; check its message leaks no document text."""
    with pytest.raises(ExtractionError) as info:
        extract_pages(path, media_type, **kwargs)
    exc = info.value
    message = str(exc)
    assert message and message[0].isupper() and message.endswith("."), message
    assert "Traceback" not in message
    for secret in secrets:
        assert secret.lower() not in message.lower()
    return exc
