"""OCR with Tesseract (via pytesseract): image files, and page images rendered from PDFs.

Images: PNG, JPEG (first frame only) and TIFF (every frame is a page, in file
order); only the Pillow decoder of the sniffed media type is used, so a file
must really be what it was sniffed as. EXIF orientation is applied, transparency is flattened onto white,
16-bit and CMYK images are converted to 8-bit greyscale / RGB before OCR.

Decompression bombs
-------------------
Before any pixel is decoded, every image (and every TIFF frame) is checked
against the caller's ``max_image_pixels``; larger ones raise
``ExtractionError("image_too_large")``. This per-call check never touches
global state. Pillow has its own, process-wide limit (``Image.MAX_IMAGE_PIXELS``,
which raises ``DecompressionBombError`` above twice its value); so that it
cannot reject an image the caller's limit allows, :func:`allow_image_pixels`
*raises* that global to ``max_image_pixels`` at call time when it is lower.
It is only ever raised, never lowered, so concurrent calls (threads) with
different limits stay safe: each call still enforces its own limit itself.
With the default limit (80 million pixels, below Pillow's default of about
89 million) the global is not changed at all.

Tesseract output is deterministic for the same image, language data and
Tesseract version; the trailing form feed Tesseract appends to each page is
removed, as is trailing whitespace.
"""
from __future__ import annotations

import os
import re

import pytesseract
from PIL import Image, ImageOps, UnidentifiedImageError

from .base import METHOD_OCR, ExtractionError, PageText, normalize_text

#: Wall-clock limit for Tesseract on one page, in seconds.
OCR_TIMEOUT_S = 180

_LANGUAGES_RE = re.compile(r"[A-Za-z0-9_]+(?:\+[A-Za-z0-9_]+)*")


def allow_image_pixels(max_image_pixels: int) -> None:
    """Make sure Pillow's global bomb limit is not lower than ``max_image_pixels``.

    See the module docstring: only ever raises the global, never lowers it.
    """
    current = Image.MAX_IMAGE_PIXELS
    if current is not None and current < max_image_pixels:
        Image.MAX_IMAGE_PIXELS = max_image_pixels


def check_pixels(size: tuple[int, int], max_image_pixels: int) -> None:
    width, height = size
    if width * height > max_image_pixels:
        raise ExtractionError(
            "image_too_large",
            f"The image is too large to process ({width} x {height} pixels; "
            f"the limit is {max_image_pixels:,} pixels).",
        )


def ocr_image(image: Image.Image, languages: str, *, dpi: int | None = None) -> str:
    """Text of one image by Tesseract. Raises ExtractionError (ocr_unavailable / ocr_failed)."""
    if not isinstance(languages, str) or not _LANGUAGES_RE.fullmatch(languages):
        raise ExtractionError(
            "ocr_unavailable",
            "The OCR language setting is invalid (expected codes such as 'eng' or 'eng+deu').",
        )
    prepared = _prepare(image)
    config = f"--dpi {int(dpi)}" if dpi else ""
    try:
        text = pytesseract.image_to_string(
            prepared, lang=languages, config=config, timeout=OCR_TIMEOUT_S
        )
    except pytesseract.TesseractNotFoundError as exc:
        raise ExtractionError(
            "ocr_unavailable",
            "Text recognition (OCR) is not available on this appliance: Tesseract is not installed.",
        ) from exc
    except pytesseract.TesseractError as exc:
        detail = str(getattr(exc, "message", "") or "")
        if "Failed loading language" in detail or "Error opening data file" in detail:
            raise ExtractionError(
                "ocr_unavailable",
                f"Text recognition (OCR) is not available for the configured language(s) "
                f"'{languages}': the language data is not installed.",
            ) from exc
        raise ExtractionError("ocr_failed", "Text recognition (OCR) failed on a page.") from exc
    except RuntimeError as exc:  # pytesseract's timeout
        raise ExtractionError(
            "ocr_failed",
            f"Text recognition (OCR) took longer than {OCR_TIMEOUT_S} seconds on a page.",
        ) from exc
    return text.rstrip()


def _prepare(image: Image.Image) -> Image.Image:
    """An 8-bit greyscale / RGB copy, upright, without transparency, with no file format."""
    image = ImageOps.exif_transpose(image)  # always a new image
    mode = image.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    elif mode == "P" or mode == "PA":
        image = image.convert("RGBA")
    if "A" in image.getbands():
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, (0, 0), image.getchannel("A"))
        image = background
    elif image.mode not in ("1", "L", "RGB"):
        image = image.convert("RGB")
    image.format = None  # pytesseract then hands Tesseract a lossless PNG
    return image


def _image_dpi(image: Image.Image) -> int | None:
    dpi = image.info.get("dpi")
    try:
        value = int(round(float(dpi[0])))
    except (TypeError, ValueError, IndexError):
        return None
    return value if 70 <= value <= 2400 else None


#: Pillow decoders allowed per media type (Pillow's other, rarer decoders are never reached).
PILLOW_FORMATS = {"image/png": ["PNG"], "image/jpeg": ["JPEG"], "image/tiff": ["TIFF"]}


def extract_image(
    path: str | os.PathLike,
    media_type: str,
    *,
    max_pages: int,
    max_image_pixels: int,
    ocr_languages: str,
) -> list[PageText]:
    allow_image_pixels(max_image_pixels)
    try:
        image = Image.open(path, formats=PILLOW_FORMATS[media_type])
    except Image.DecompressionBombError as exc:
        raise ExtractionError(
            "image_too_large",
            f"The image is too large to process (the limit is {max_image_pixels:,} pixels).",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ExtractionError("malformed_image", "The image file is damaged or cannot be read.") from exc
    with image:
        multi_frame = image.format == "TIFF"
        if multi_frame:
            _check_frame_count(image, max_pages)
        pages: list[PageText] = []
        index = 0
        while True:
            check_pixels(image.size, max_image_pixels)
            try:
                image.load()
                frame = image.copy()
            except Image.DecompressionBombError as exc:
                raise ExtractionError(
                    "image_too_large",
                    f"The image is too large to process (the limit is {max_image_pixels:,} pixels).",
                ) from exc
            except (OSError, SyntaxError, ValueError, EOFError) as exc:
                raise ExtractionError(
                    "malformed_image", "The image file is damaged or cannot be read."
                ) from exc
            text = ocr_image(frame, ocr_languages, dpi=_image_dpi(image))
            pages.append(PageText(number=index + 1, text=normalize_text(text), method=METHOD_OCR))
            index += 1
            if not multi_frame:
                break
            try:
                image.seek(index)
            except EOFError:
                break
            except (OSError, SyntaxError, ValueError) as exc:
                raise ExtractionError(
                    "malformed_image", "The image file is damaged or cannot be read."
                ) from exc
    return pages


def _check_frame_count(image: Image.Image, max_pages: int) -> None:
    """Raise too_many_pages when the TIFF has more than ``max_pages`` frames, before any OCR."""
    try:
        image.seek(max_pages)  # 0-based: frame number max_pages + 1
    except EOFError:
        image.seek(0)
        return
    except (OSError, SyntaxError, ValueError) as exc:
        raise ExtractionError("malformed_image", "The image file is damaged or cannot be read.") from exc
    raise ExtractionError(
        "too_many_pages",
        f"The image has more than {max_pages} pages (frames); the limit is {max_pages}.",
    )
