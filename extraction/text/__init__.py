"""The evidence layer: document content to deterministic text, page by page.

``extract_pages(path, media_type)`` returns a list of :class:`PageText` (1-based
page numbers, in order). Everything later (PII spans, field evidence) points
into ``PageText.text`` by ``(page, start, end)`` character offsets; see
:mod:`extraction.text.base` for the normalisation guarantee, and the format
modules (``pdf``, ``plain``, ``docx``, ``ocr``) for their rules.

Content that cannot become text raises :class:`ExtractionError` (``code`` +
clerk-readable message, never containing document text). A file that is empty,
or from which no text at all can be obtained (e.g. a blank scan), raises
``ExtractionError("empty")``.

Media types are decided by content with :func:`sniff_file` /
:func:`sniff_media_type`, never by file name.

Pure Python; no Django imports. The app passes its settings
(``COLONY_MAX_PAGES``, ``COLONY_MAX_IMAGE_PIXELS``, ``COLONY_OCR_LANGUAGES``,
``COLONY_MAX_PAGE_CHARS``, ``COLONY_MAX_DOCUMENT_CHARS``) as the keyword arguments.
"""
from __future__ import annotations

import os

from .base import (
    METHOD_DOCX,
    METHOD_OCR,
    METHOD_PLAIN,
    METHOD_TEXT_LAYER,
    ExtractionError,
    PageText,
    normalize_text,
)
from .sniff import (
    DOCX,
    IMAGE_MEDIA_TYPES,
    PDF,
    PLAIN,
    SUPPORTED_MEDIA_TYPES,
    sniff_file,
    sniff_media_type,
)

__all__ = [
    "ExtractionError",
    "PageText",
    "SUPPORTED_MEDIA_TYPES",
    "extract_pages",
    "normalize_text",
    "sniff_file",
    "sniff_media_type",
    "METHOD_DOCX",
    "METHOD_OCR",
    "METHOD_PLAIN",
    "METHOD_TEXT_LAYER",
]


def extract_pages(
    path: str | os.PathLike,
    media_type: str,
    *,
    max_pages: int = 500,
    max_image_pixels: int = 80_000_000,
    ocr_languages: str = "eng",
    max_page_chars: int = 2_000_000,
    max_document_chars: int = 5_000_000,
) -> list[PageText]:
    """The text of each page of the document at ``path``, of (sniffed) ``media_type``.

    Raises :class:`ExtractionError` for content that cannot become text. I/O
    errors on ``path`` itself (missing file, permissions) are not content
    problems and propagate as ``OSError``.
    """
    if min(max_pages, max_image_pixels, max_page_chars, max_document_chars) < 1:
        raise ValueError("the limits must be positive")
    kind = (media_type or "").split(";", 1)[0].strip().lower()
    if kind not in SUPPORTED_MEDIA_TYPES:
        raise ExtractionError("unsupported_type", "This kind of file is not supported.")
    if os.path.getsize(path) == 0:
        raise ExtractionError("empty", "The file is empty.")

    if kind == PDF:
        from .pdf import extract_pdf

        pages = extract_pdf(
            path, max_pages=max_pages, max_image_pixels=max_image_pixels, ocr_languages=ocr_languages
        )
    elif kind == PLAIN:
        from .plain import extract_plain

        pages = extract_plain(path, max_pages=max_pages)
    elif kind == DOCX:
        from .docx import extract_docx

        pages = extract_docx(path, max_pages=max_pages)
    else:
        assert kind in IMAGE_MEDIA_TYPES
        from .ocr import extract_image

        pages = extract_image(
            path, kind, max_pages=max_pages, max_image_pixels=max_image_pixels, ocr_languages=ocr_languages
        )

    if not any(page.text.strip() for page in pages):
        raise ExtractionError("empty", "No text could be found in the document.")
    _check_text_size(pages, max_page_chars, max_document_chars)
    return pages


def _check_text_size(pages: list[PageText], max_page_chars: int, max_document_chars: int) -> None:
    """Refuse text that every later stage (redaction, models, the page a clerk opens) would choke on."""
    for page in pages:
        if len(page.text) > max_page_chars:
            raise ExtractionError(
                "too_much_text",
                f"Page {page.number} holds {len(page.text):,} characters of text; the limit is {max_page_chars:,} per page.",
            )
    total = sum(len(page.text) for page in pages)
    if total > max_document_chars:
        raise ExtractionError(
            "too_much_text",
            f"The document holds {total:,} characters of text; the limit is {max_document_chars:,}.",
        )
