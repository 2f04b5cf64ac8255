"""Redacted downloads: a PDF of page images with black boxes over personal data, or a .txt.

The PDF holds pictures only, so no hidden text survives. Boxes come from the PDF's
own text layer (pypdfium2 finds each redacted value on the page and gives its
character boxes); for scanned pages and images, from Tesseract's word boxes.
"""
from __future__ import annotations

import io
import re

from PIL import Image, ImageDraw

RENDER_SCALE = 2.0  # 144 dpi: readable, and boxes land on whole characters
PAD = 2


def redacted_text(redacted_pages: list[str]) -> bytes:
    return "\f".join(redacted_pages).encode("utf-8")


def _pdf_boxes(textpage, value: str):
    """Character boxes (PDF points) of every occurrence of ``value`` on a page."""
    boxes = []
    words = value.split()
    if not words:
        return boxes
    # Search the value as written, then word by word: text layers often break lines inside a value.
    for needle in [value] + (words if len(words) > 1 else []):
        searcher = textpage.search(needle, match_case=False)
        while True:
            found = searcher.get_next()
            if not found:
                break
            start, count = found
            for index in range(start, start + count):
                boxes.append(textpage.get_charbox(index))
        searcher.close()
    return boxes


def _ocr_boxes(image: Image.Image, values: list[str]):
    """Pixel boxes of the OCR words that belong to any of ``values``."""
    import pytesseract

    data = pytesseract.image_to_data(image, output_type=pytesseract.Output.DICT)
    targets = {re.sub(r"\W", "", w).lower() for value in values for w in value.split()}
    targets.discard("")
    boxes = []
    for word, left, top, width, height in zip(data["text"], data["left"], data["top"], data["width"], data["height"]):
        if re.sub(r"\W", "", word).lower() in targets:
            boxes.append((left, top, left + width, top + height))
    return boxes


def _black_out(image: Image.Image, boxes) -> Image.Image:
    image = image.convert("RGB")
    draw = ImageDraw.Draw(image)
    for left, top, right, bottom in boxes:
        draw.rectangle((left - PAD, top - PAD, right + PAD, bottom + PAD), fill="black")
    return image


def _images_to_pdf(images: list[Image.Image]) -> bytes:
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=72 * RENDER_SCALE)
    return out.getvalue()


def redacted_pdf_from_pdf(path, values_by_page: dict[int, list[str]], ocr_pages: set[int] = frozenset()) -> bytes:
    """Every page rendered to an image with the values of ``values_by_page`` (1-based pages) blacked out."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    images = []
    try:
        for index in range(len(document)):
            number = index + 1
            page = document[index]
            image = page.render(scale=RENDER_SCALE).to_pil()
            values = values_by_page.get(number, [])
            if number in ocr_pages:
                boxes = _ocr_boxes(image, values)
            else:
                height = page.get_height()
                textpage = page.get_textpage()
                boxes = [
                    (left * RENDER_SCALE, (height - top) * RENDER_SCALE, right * RENDER_SCALE, (height - bottom) * RENDER_SCALE)
                    for value in values
                    for left, bottom, right, top in _pdf_boxes(textpage, value)
                ]
                textpage.close()
            images.append(_black_out(image, boxes))
            page.close()
    finally:
        document.close()
    return _images_to_pdf(images)


def redacted_pdf_from_image(path, values_by_page: dict[int, list[str]]) -> bytes:
    """Each frame of an image (multi-page TIFF included) with the values blacked out, as a PDF."""
    from PIL import ImageSequence

    with Image.open(path) as source:
        images = [
            _black_out(frame.convert("RGB"), _ocr_boxes(frame.convert("RGB"), values_by_page.get(number, [])))
            for number, frame in enumerate(ImageSequence.Iterator(source), start=1)
        ]
    return _images_to_pdf(images)
