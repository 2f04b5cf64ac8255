"""Page pictures for the review screen: the original page rendered to PNG, personal data blacked
out, and where each field's evidence lies on it (boxes in percent of the page, for HTML overlays).

PDF pages with a text layer: pypdfium2 renders the page and finds the evidence quote (and each
personal value) in its text layer, giving character boxes. Scanned PDF pages and images:
Tesseract's word boxes (cached per page, OCR is slow). Text documents have no picture.

Fail closed: when a personal value of the page cannot be found on the picture, the picture is
not shown at all (``Picture.safe`` is False) and the review page shows the redacted text instead.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from PIL import Image, ImageDraw, ImageSequence

from appliance.documents import redaction

RENDER_SCALE = 2.0  # 144 dpi
MAX_IMAGE_WIDTH = 1800
PAD = 2
OCR_CACHE_SECONDS = 3600


@dataclass
class Picture:
    """One page as a picture: ``image`` (PIL, RGB) and a ``locate(quote, near)`` giving boxes."""

    image: Image.Image | None  # None when only the geometry was asked for
    locate: object  # callable(text, near: float 0..1) -> list[(l, t, r, b)] in image pixels
    size: tuple = (0, 0)
    safe: bool = True
    pii_boxes: list = field(default_factory=list)


def has_picture(document):
    return document.media_type == "application/pdf" or document.media_type.startswith("image/")


def _norm(word):
    return re.sub(r"\W", "", word).lower()


def _pdf_locate(textpage, page_height, scale):
    total = max(1, textpage.count_chars())

    def occurrences(needle):
        found_all = []
        searcher = textpage.search(needle, match_case=False)
        try:
            while True:
                found = searcher.get_next()
                if not found:
                    break
                found_all.append(found)
        finally:
            searcher.close()
        return found_all

    def boxes_of(start, count):
        rects = []
        for index in range(start, start + count):
            left, bottom, right, top = textpage.get_charbox(index)
            if right <= left or top <= bottom:
                continue
            rects.append((left * scale, (page_height - top) * scale, right * scale, (page_height - bottom) * scale))
        return rects

    def locate(quote, near=None, every=False):
        quote = " ".join(quote.split())
        if not quote:
            return []
        needles = [quote]
        hits = occurrences(quote)
        if not hits and len(quote.split()) > 1:
            # Text layers often break lines inside a value: look for it word by word.
            needles = quote.split()
            hits = None
        rects = []
        for needle in needles:
            found = hits if hits is not None else occurrences(needle)
            if not found:
                continue
            if not every and near is not None:
                found = [min(found, key=lambda hit: abs(hit[0] / total - near))]
            elif not every:
                found = found[:1]
            for start, count in found:
                rects.extend(boxes_of(start, count))
        return rects

    return locate


def _ocr_words(image, cache_key):
    words = cache.get(cache_key) if cache_key else None
    if words is None:
        import pytesseract

        data = pytesseract.image_to_data(image, output_type=pytesseract.Output.DICT)
        words = [
            (_norm(text), (left, top, left + width, top + height))
            for text, left, top, width, height in zip(data["text"], data["left"], data["top"], data["width"],
                                                      data["height"])
            if _norm(text)
        ]
        if cache_key:
            cache.set(cache_key, words, OCR_CACHE_SECONDS)
    return words


def _ocr_locate(words):
    total = max(1, len(words))

    def locate(quote, near=None, every=False):
        wanted = [_norm(w) for w in quote.split() if _norm(w)]
        if not wanted:
            return []
        # Runs of consecutive OCR words equal to the quote's words.
        starts = [i for i in range(len(words) - len(wanted) + 1)
                  if all(words[i + k][0] == wanted[k] for k in range(len(wanted)))]
        if starts:
            if not every:
                starts = [min(starts, key=lambda i: abs(i / total - (near or 0)))] if near is not None else starts[:1]
            return [words[i + k][1] for i in starts for k in range(len(wanted))]
        # Otherwise any OCR word that belongs to the quote (a value broken oddly by OCR).
        targets = set(wanted)
        return [box for word, box in words if word in targets]

    return locate


def _pii_values(document, page):
    values = []
    for span in document.pii_spans:
        if span["page"] == page.number:
            values.append(page.text[span["start"]:span["end"]])
    return [v for v in values if v.strip()]


def picture(document, page, *, reveal=False, render=True):
    """The page ``page`` (a Page row) of ``document`` as a Picture; None for text documents.

    Unless ``reveal``, personal data is blacked out; when some of it cannot be located,
    ``safe`` is False and the caller must not show the image. ``render=False``: the geometry
    only (``image`` may be None), for placing boxes.
    """
    if document.media_type == "application/pdf":
        pic = _pdf_picture(document, page, render)
    elif document.media_type.startswith("image/"):
        pic = _image_picture(document, page)
    else:
        return None
    if pic is None:
        return None
    if not reveal:
        if not redaction.may_show_picture(document, page):
            pic.safe = False  # its personal data has not been found yet, so nothing is blacked out
        for value in _pii_values(document, page):
            boxes = pic.locate(value, every=True)
            if not boxes:
                pic.safe = False
            pic.pii_boxes.extend(_merge_lines(boxes))  # whole runs, the gaps between words too
        if pic.pii_boxes and pic.image is not None:
            pic.image = pic.image.copy()
            draw = ImageDraw.Draw(pic.image)
            for left, top, right, bottom in pic.pii_boxes:
                draw.rectangle((left - PAD, top - PAD, right + PAD, bottom + PAD), fill="black")
    return pic


def _pdf_picture(document, page, render=True):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(document.original.path)
    try:
        if not 1 <= page.number <= len(pdf):
            return None
        pdf_page = pdf[page.number - 1]
        size = (round(pdf_page.get_width() * RENDER_SCALE), round(pdf_page.get_height() * RENDER_SCALE))
        if page.method == "ocr":
            image = pdf_page.render(scale=RENDER_SCALE).to_pil().convert("RGB")
            locate = _ocr_locate(_ocr_words(image, f"review-ocr:{document.pk}:{page.number}"))
            return Picture(image, locate, image.size)
        image = pdf_page.render(scale=RENDER_SCALE).to_pil().convert("RGB") if render else None
        textpage = pdf_page.get_textpage()
        locate = _pdf_locate(textpage, pdf_page.get_height(), RENDER_SCALE)
        # The text page must outlive this function for locate(); keep the PDF open through the picture.
        pic = Picture(image, locate, image.size if image is not None else size)
        pic._keep = (pdf, pdf_page, textpage)
        pdf = None
        return pic
    finally:
        if pdf is not None:
            pdf.close()


def _image_picture(document, page):
    with Image.open(document.original.path) as source:
        for number, frame in enumerate(ImageSequence.Iterator(source), start=1):
            if number == page.number:
                image = frame.convert("RGB")
                break
        else:
            return None
    if image.width > MAX_IMAGE_WIDTH:
        image = image.resize((MAX_IMAGE_WIDTH, round(image.height * MAX_IMAGE_WIDTH / image.width)))
    locate = _ocr_locate(_ocr_words(image, f"review-ocr:{document.pk}:{page.number}"))
    return Picture(image, locate, image.size)


def close(pic):
    keep = getattr(pic, "_keep", None)
    if keep:
        pdf, pdf_page, textpage = keep
        textpage.close()
        pdf_page.close()
        pdf.close()
        pic._keep = None


def png(pic):
    out = io.BytesIO()
    pic.image.save(out, format="PNG", optimize=False, compress_level=3)
    return out.getvalue()


def _merge_lines(rects):
    """Character boxes merged into one box per line (boxes whose vertical extents overlap)."""
    merged = []
    for left, top, right, bottom in sorted(rects, key=lambda r: (round(r[1]), r[0])):
        if merged:
            m = merged[-1]
            same_line = min(bottom, m[3]) - max(top, m[1]) > 0.5 * min(bottom - top, m[3] - m[1])
            if same_line and left - m[2] < 3 * (bottom - top):
                merged[-1] = (min(m[0], left), min(m[1], top), max(m[2], right), max(m[3], bottom))
                continue
        merged.append((left, top, right, bottom))
    return merged


def evidence_boxes(pic, page, fields):
    """Boxes (percent of the picture) of each field's evidence on ``page``: [{field, left, top, width, height}]."""
    width, height = pic.size
    text_length = max(1, len(page.text))
    boxes = []
    for fld in fields:
        for span in fld.evidence or []:
            if span.get("page") != page.number:
                continue
            quote = page.text[span["start"]:span["end"]]
            rects = pic.locate(quote, near=span["start"] / text_length)
            for left, top, right, bottom in _merge_lines(rects):
                boxes.append({
                    "field": fld.name,
                    "left": round(100 * (left - PAD) / width, 3),
                    "top": round(100 * (top - PAD) / height, 3),
                    "width": round(100 * (right - left + 2 * PAD) / width, 3),
                    "height": round(100 * (bottom - top + 2 * PAD) / height, 3),
                })
    return boxes
