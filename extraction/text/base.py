"""Shared types and the text-normalisation guarantee of the evidence layer.

Every later result (PII spans, field evidence) points into the extracted text by
``(page, start, end)`` character offsets, where ``start``/``end`` index into
``PageText.text`` as a Python ``str`` (Unicode code points, not bytes, not
UTF-16 units). So the text of each page must be deterministic and stable.

The guarantee
-------------
For the same file bytes, the same ``extract_pages`` arguments and the same
pinned library / Tesseract versions, ``extract_pages`` returns the same list of
pages with exactly the same text. The only normalisation applied to text coming
out of a format reader (see :func:`normalize_text`) is:

1. Unicode NFC normalisation (composed characters, e.g. ``e`` + combining acute
   becomes ``é``);
2. removal of NUL characters (``\\x00``), which no database text column accepts;
3. replacement of lone UTF-16 surrogates (which cannot be stored as UTF-8) by
   U+FFFD, one code point for one code point.

Everything else (whitespace, line breaks, control characters, punctuation) is
kept as the reader produced it. Format-specific rules (newline normalisation of
plain text, form-feed page splitting, how DOCX paragraphs and cells are joined)
are documented in the format's module. Offsets must always be computed against
the returned ``PageText.text``, never against the raw file.

This package is pure Python and imports nothing from Django.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

METHOD_TEXT_LAYER = "text_layer"
METHOD_OCR = "ocr"
METHOD_PLAIN = "plain"
METHOD_DOCX = "docx"
METHODS = frozenset({METHOD_TEXT_LAYER, METHOD_OCR, METHOD_PLAIN, METHOD_DOCX})


@dataclass(frozen=True)
class PageText:
    """The text of one page of a document.

    ``number`` is 1-based; ``method`` says how the text was obtained:
    ``"text_layer"`` (PDF text layer), ``"ocr"`` (Tesseract), ``"plain"``
    (plain-text file) or ``"docx"`` (Word document).
    """

    number: int
    text: str
    method: str


class ExtractionError(Exception):
    """Content that cannot become text.

    ``code`` is a short machine-readable slug; ``str(exc)`` (also ``exc.message``)
    a human-readable sentence for a clerk. Messages never contain document text.

    Codes raised by this package:

    - ``empty``: the file is empty or no text at all could be found in it;
    - ``unsupported_type``: the media type is not one this package extracts;
    - ``encrypted``: a password-protected PDF (the empty password did not open it);
    - ``malformed_pdf``: a truncated / damaged PDF that could not be read;
    - ``too_many_pages``: more pages (PDF pages, TIFF frames, form-feed pages)
      than ``max_pages``;
    - ``image_too_large``: an image (or image frame) with more pixels than
      ``max_image_pixels`` (decompression-bomb protection);
    - ``malformed_image``: an image file that cannot be decoded;
    - ``undecodable_text``: a text file whose encoding cannot be determined;
    - ``malformed_docx``: a Word file that is not a readable DOCX package;
    - ``too_large``: a DOCX whose uncompressed content exceeds the safety limit
      (zip-bomb protection);
    - ``too_much_text``: a page or the whole document holds more characters than
      ``max_page_chars`` / ``max_document_chars``;
    - ``ocr_unavailable``: Tesseract (or the requested language data) is not
      installed, or the language setting is invalid;
    - ``ocr_failed``: Tesseract ran but failed or timed out on a page.
    """

    def __init__(self, code: str, message: str):
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ExtractionError({self.code!r}, {self.message!r})"

    def __reduce__(self):
        # Keep the exception picklable (Celery result backends, multiprocessing).
        return (type(self), (self.code, self.message))


_SURROGATES = re.compile("[\ud800-\udfff]")


def normalize_text(text: str) -> str:
    """Apply the evidence-layer normalisation described in the module docstring."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if _SURROGATES.search(text):
        text = _SURROGATES.sub("\ufffd", text)
    return unicodedata.normalize("NFC", text)
