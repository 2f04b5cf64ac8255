"""PDF: the text layer per page (pypdf), OCR for pages without one (pypdfium2 + Tesseract).

- Encrypted PDFs are opened with the empty password (the common "owner password
  only" case); otherwise ``ExtractionError("encrypted")``.
- Damaged PDFs: pypdf runs in non-strict mode and recovers what it can; if it
  recovers the pages, they are used. If the file cannot be opened at all, or a
  page can neither be read nor rendered, ``ExtractionError("malformed_pdf")``.
- The page count is checked against ``max_pages`` before any text is extracted
  (first the declared ``/Count``, then the actual page tree):
  ``ExtractionError("too_many_pages")``.
- A page whose text layer is empty or near-empty (fewer than
  ``MIN_TEXT_LAYER_CHARS`` letters/digits) is rendered at ``OCR_DPI`` (scaled
  down so that the bitmap stays within ``max_image_pixels``) and OCRed; its page
  gets method ``"ocr"`` if OCR found more letters/digits than the text layer.
  A page whose text layer cannot be parsed is OCRed the same way; if it cannot
  be rendered either, ``ExtractionError("malformed_pdf")`` (a page is never
  silently dropped). A near-empty page that cannot be rendered keeps its text
  layer.

pypdfium2 (PDFium) is not thread-safe, so rendering is serialised with a
module-level lock.
"""
from __future__ import annotations

import logging
import math
import os
import threading

import pypdf
import pypdfium2 as pdfium
from pypdf.errors import DependencyError

from . import ocr
from .base import METHOD_OCR, METHOD_TEXT_LAYER, ExtractionError, PageText, normalize_text

log = logging.getLogger(__name__)

OCR_DPI = 300
MIN_TEXT_LAYER_CHARS = 10

_PDFIUM_LOCK = threading.Lock()


def _malformed() -> ExtractionError:
    return ExtractionError("malformed_pdf", "The PDF file is damaged or incomplete and cannot be read.")


def _too_many(max_pages: int, count: int | None = None) -> ExtractionError:
    found = f"{count} pages" if count is not None else f"more than {max_pages} pages"
    return ExtractionError("too_many_pages", f"The PDF has {found}; the limit is {max_pages}.")


def _encrypted() -> ExtractionError:
    return ExtractionError("encrypted", "The PDF is password-protected and cannot be opened without its password.")


def _alnum_count(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def extract_pdf(
    path: str | os.PathLike, *, max_pages: int, max_image_pixels: int, ocr_languages: str
) -> list[PageText]:
    try:
        reader = pypdf.PdfReader(path, strict=False)
    except MemoryError:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken input
        raise _malformed() from exc

    try:
        encrypted = reader.is_encrypted
    except MemoryError:
        raise
    except Exception as exc:
        raise _malformed() from exc
    if encrypted:
        try:
            result = reader.decrypt("")
        except DependencyError as exc:
            raise ExtractionError(
                "encrypted", "The PDF uses an encryption method this appliance cannot open."
            ) from exc
        except MemoryError:
            raise
        except Exception as exc:
            raise _encrypted() from exc
        if result == pypdf.PasswordType.NOT_DECRYPTED:
            raise _encrypted()

    declared = _declared_page_count(reader)
    if declared is not None and declared > max_pages:
        raise _too_many(max_pages, declared)
    try:
        count = len(reader.pages)
    except MemoryError:
        raise
    except Exception as exc:
        raise _malformed() from exc
    if count > max_pages:
        raise _too_many(max_pages, count)
    if count == 0:
        raise ExtractionError("empty", "The PDF has no pages.")

    renderer = _Renderer(path)
    try:
        pages = []
        for index in range(count):
            text = _text_layer(reader, index)
            method = METHOD_TEXT_LAYER
            if text is None or _alnum_count(text) < MIN_TEXT_LAYER_CHARS:
                try:
                    ocr_text = renderer.ocr_page(index, max_image_pixels, ocr_languages)
                except _RenderError as exc:
                    if text is None:  # neither readable nor renderable
                        raise _malformed() from exc.__cause__
                    log.warning("PDF page %d cannot be rendered for OCR; keeping its text layer", index + 1)
                    ocr_text = ""
                if text is None or _alnum_count(ocr_text) > _alnum_count(text):
                    text, method = ocr_text, METHOD_OCR
            pages.append(PageText(number=index + 1, text=normalize_text(text), method=method))
        return pages
    finally:
        renderer.close()


def _declared_page_count(reader: pypdf.PdfReader) -> int | None:
    """The page tree's declared /Count (cheap; may lie), or None if unreadable."""
    try:
        count = reader.root_object["/Pages"].get_object()["/Count"]
        return int(count)
    except MemoryError:
        raise
    except Exception:
        return None


def _text_layer(reader: pypdf.PdfReader, index: int) -> str | None:
    """The page's text layer, or None when pypdf cannot parse the page."""
    try:
        return reader.pages[index].extract_text() or ""
    except MemoryError:
        raise
    except Exception:
        log.warning("PDF page %d: text layer could not be parsed; falling back to OCR", index + 1)
        return None


class _RenderError(Exception):
    """PDFium could not open or render a page (the cause is chained)."""


class _Renderer:
    """Renders single pages with PDFium for OCR; opens the document lazily."""

    def __init__(self, path: str | os.PathLike):
        self._path = os.fspath(path)
        self._doc: pdfium.PdfDocument | None = None

    def ocr_page(self, index: int, max_image_pixels: int, languages: str) -> str:
        image, dpi = self._render(index, max_image_pixels)
        try:
            return ocr.ocr_image(image, languages, dpi=dpi)
        finally:
            image.close()

    def _render(self, index: int, max_image_pixels: int):
        with _PDFIUM_LOCK:
            try:
                if self._doc is None:
                    self._doc = pdfium.PdfDocument(self._path, password="")
                page = self._doc[index]
                try:
                    width, height = page.get_size()  # points, 1/72 inch
                    scale = OCR_DPI / 72
                    if width > 0 and height > 0 and width * height * scale * scale > max_image_pixels:
                        scale = math.sqrt(max_image_pixels / (width * height)) * 0.999
                    bitmap = page.render(scale=scale, grayscale=True)
                    try:
                        image = bitmap.to_pil().copy()
                    finally:
                        bitmap.close()
                finally:
                    page.close()
            except MemoryError:
                raise
            except Exception as exc:
                raise _RenderError() from exc
        return image, max(1, round(scale * 72))

    def close(self) -> None:
        with _PDFIUM_LOCK:
            if self._doc is not None:
                self._doc.close()
                self._doc = None
