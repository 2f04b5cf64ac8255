"""Builders of real test documents (PDF, scanned PDF, DOCX, images, text files, bad inputs).

Every builder takes the target ``path`` first, writes the file and returns the
path as a ``pathlib.Path``. They are deterministic (same arguments, same
content) and fast; use them with pytest's ``tmp_path``::

    from tests import docgen
    pdf = docgen.make_pdf(tmp_path / "a.pdf", ["Page one text", "Page two text"])

Text rendered into images uses DejaVu Sans (or another TrueType font found on
the machine), large and black on white, so that Tesseract reads it reliably.
"""
from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
)

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def font(size: int = 48):
    """A TrueType font of ``size`` px if one exists on this machine, else Pillow's default."""
    for candidate in _FONT_CANDIDATES:
        if os.path.exists(candidate):
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def render_text_image(text: str, *, font_size: int = 48, margin: int = 60, width: int | None = None,
                      mode: str = "L") -> Image.Image:
    """Black text on white; each line of ``text`` is a line in the image."""
    fnt = font(font_size)
    lines = text.split("\n") or [""]
    line_height = int(font_size * 1.5)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    text_width = max((probe.textlength(line, font=fnt) for line in lines), default=0)
    width = width or int(text_width) + 2 * margin
    height = line_height * len(lines) + 2 * margin
    white = 255 if mode in ("L", "1") else (255, 255, 255)
    black = 0 if mode in ("L", "1") else (0, 0, 0)
    image = Image.new(mode, (max(width, 1), height), white)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((margin, margin + i * line_height), line, fill=black, font=fnt)
    return image


# --------------------------------------------------------------------------- PDF

def make_pdf(path, pages: list[str], *, page_size: tuple[float, float] | None = None,
             font_size: int = 12) -> Path:
    """A PDF with a text layer: one page per string; newlines start new lines."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = Path(path)
    width, height = page_size or A4
    c = canvas.Canvas(str(path), pagesize=(width, height), invariant=1)
    for page_text in pages:
        text = c.beginText(min(72, width / 10), height - min(72, height / 10))
        text.setFont("Helvetica", font_size)
        for line in page_text.split("\n"):
            text.textLine(line)
        c.drawText(text)
        c.showPage()
    c.save()
    return path


def make_image_pdf(path, images: list[Image.Image], *, dpi: int = 200) -> Path:
    """A PDF whose pages are only the given images (no text layer)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    path = Path(path)
    c = canvas.Canvas(str(path), invariant=1)
    for image in images:
        w_pt = image.width * 72 / dpi
        h_pt = image.height * 72 / dpi
        c.setPageSize((w_pt, h_pt))
        c.drawImage(ImageReader(image.convert("RGB")), 0, 0, width=w_pt, height=h_pt)
        c.showPage()
    c.save()
    return path


def make_scanned_pdf(path, text: str, *, font_size: int = 48) -> Path:
    """A one-page PDF that is only an image of ``text`` rendered large (no text layer)."""
    image = render_text_image(text, font_size=font_size, width=1700)
    return make_image_pdf(path, [image])


def make_mixed_pdf(path, text_pages: list[str], scanned_text: str) -> Path:
    """A PDF whose first pages have a text layer and whose last page is a scan of ``scanned_text``."""
    from pypdf import PdfReader, PdfWriter

    path = Path(path)
    text_buf, scan_buf = io.BytesIO(), io.BytesIO()
    make_pdf(path, text_pages)
    text_buf.write(path.read_bytes())
    make_scanned_pdf(path, scanned_text)
    scan_buf.write(path.read_bytes())
    writer = PdfWriter()
    for buf in (text_buf, scan_buf):
        buf.seek(0)
        for page in PdfReader(buf).pages:
            writer.add_page(page)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def encrypt_pdf(path, password: str, *, owner_password: str | None = None) -> Path:
    """Encrypt the existing PDF at ``path`` in place (AES-128); ``password`` "" = opens without one."""
    from pypdf import PdfReader, PdfWriter

    path = Path(path)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=owner_password or (password + "-owner"),
                   algorithm="AES-128")
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def make_encrypted_pdf(path, password: str, pages: list[str] | None = None, *,
                       owner_password: str | None = None) -> Path:
    """An AES-encrypted PDF with a text layer; user password ``password`` ("" = opens without one)."""
    make_pdf(path, pages or ["Confidential salary statement for Jane Example"])
    return encrypt_pdf(path, password, owner_password=owner_password)


def make_truncated_pdf(path, *, keep: float = 0.3, pages: list[str] | None = None) -> Path:
    """A PDF cut off after the first ``keep`` fraction of its bytes (no xref, no page tree)."""
    path = Path(path)
    make_pdf(path, pages or ["Truncated document text that must not leak"])
    data = path.read_bytes()
    path.write_bytes(data[: max(16, int(len(data) * keep))])
    return path


def make_damaged_pdf(path, pages: list[str]) -> Path:
    """A PDF whose cross-reference offsets are all wrong (a recoverable kind of damage)."""
    path = Path(path)
    make_pdf(path, pages)
    data = path.read_bytes()
    first = data.index(b"1 0 obj")
    path.write_bytes(data[:first] + b"% junk that shifts every object offset\n" + data[first:])
    return path


def make_many_pages_pdf(path, n: int) -> Path:
    """A PDF with ``n`` small pages, each with a short sentence naming its number."""
    return make_pdf(path, [f"This is page number {i}" for i in range(1, n + 1)], page_size=(300, 200))


def make_garbage_pdf(path) -> Path:
    """Starts like a PDF, then random-looking bytes."""
    path = Path(path)
    body = bytes((i * 7919 + 13) % 256 for i in range(4096))
    path.write_bytes(b"%PDF-1.7\n" + body)
    return path


# ------------------------------------------------------------------------- DOCX

def make_docx(path, paragraphs: list[str], table_rows: list[list[str]] | None = None, *,
              paragraphs_after: list[str] | None = None) -> Path:
    """A DOCX: ``paragraphs``, then a table of ``table_rows`` (if any), then ``paragraphs_after``."""
    import docx

    path = Path(path)
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table_rows:
        ncols = max(len(row) for row in table_rows)
        table = document.add_table(rows=len(table_rows), cols=ncols)
        for r, row in enumerate(table_rows):
            for col, value in enumerate(row):
                table.cell(r, col).text = value
    for text in paragraphs_after or []:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def make_corrupt_docx(path) -> Path:
    """A DOCX cut in half (the ZIP central directory is missing)."""
    path = Path(path)
    make_docx(path, ["This text must not leak into error messages"])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def make_zip(path, files: dict[str, bytes]) -> Path:
    """A plain ZIP archive (not a Word document unless the entries make it one)."""
    import zipfile

    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


# ------------------------------------------------------------------------ images

def make_image(path, text: str, fmt: str = "PNG", *, font_size: int = 48, dpi: int = 200) -> Path:
    """An image file (PNG, JPEG or TIFF) of ``text`` rendered large, black on white."""
    path = Path(path)
    image = render_text_image(text, font_size=font_size)
    fmt = fmt.upper()
    if fmt == "JPG":
        fmt = "JPEG"
    if fmt == "JPEG":
        image.convert("RGB").save(path, "JPEG", quality=90, dpi=(dpi, dpi))
    elif fmt in ("TIFF", "TIF"):
        image.save(path, "TIFF", compression="tiff_deflate", dpi=(dpi, dpi))
    else:
        image.save(path, fmt, dpi=(dpi, dpi))
    return path


def make_multipage_tiff(path, texts: list[str], *, font_size: int = 48) -> Path:
    """A multi-frame TIFF, one frame (page) per text."""
    path = Path(path)
    frames = [render_text_image(t, font_size=font_size) for t in texts]
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_deflate",
                   dpi=(200, 200))
    return path


def make_blank_image(path, fmt: str = "PNG", size: tuple[int, int] = (800, 600)) -> Path:
    """A white image without any text."""
    path = Path(path)
    Image.new("L", size, 255).save(path, fmt)
    return path


def make_bomb_png(path, width: int = 30000, height: int = 30000) -> Path:
    """A small, valid PNG with huge dimensions (1-bit, all white): a decompression bomb.

    Written row by row with zlib, never holding the decoded image in memory
    (30000 x 30000 gives a file of about 110 KiB).
    """
    path = Path(path)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    row = b"\x00" + b"\xff" * ((width + 7) // 8)  # filter byte + packed white pixels
    compressor = zlib.compressobj(9)
    parts = []
    block = 256
    for start in range(0, height, block):
        out = compressor.compress(row * min(block, height - start))
        if out:
            parts.append(out)
    parts.append(compressor.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    with open(path, "wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n")
        fh.write(chunk(b"IHDR", ihdr))
        fh.write(chunk(b"IDAT", b"".join(parts)))
        fh.write(chunk(b"IEND", b""))
    return path


def make_truncated_png(path, text: str = "Truncated image") -> Path:
    """A PNG cut off in the middle of its image data."""
    path = Path(path)
    make_image(path, text, "PNG")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


# -------------------------------------------------------------------- text files

def make_text_file(path, text: str, encoding: str = "utf-8", *, newline: str | None = None,
                   bom: bool = False) -> Path:
    """``text`` encoded with ``encoding`` (e.g. "cp1252", "utf-16", "utf-8").

    ``newline`` replaces every "\\n" (e.g. "\\r\\n"); ``bom`` adds a UTF-8 BOM
    ("utf-16"/"utf-32" always write their BOM, as Python does).
    """
    path = Path(path)
    if newline is not None:
        text = text.replace("\n", newline)
    data = text.encode(encoding)
    if bom and encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


def make_cp1252_text(path, text: str = "Café Müller – “Straße” 12, 50667 Köln\nTotal: 1.234,56 €\n") -> Path:
    return make_text_file(path, text, "cp1252", newline="\r\n")


def make_utf16_text(path, text: str = "Zoë Ångström, Łódź – invoice 2024-001\nTotal: 99,00 €\n") -> Path:
    return make_text_file(path, text, "utf-16", newline="\r\n")


def make_binary(path, size: int = 4096, *, seed: int = 1234) -> Path:
    """Deterministic pseudo-random bytes (contains NUL bytes: not text)."""
    import random

    path = Path(path)
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def make_exe(path) -> Path:
    """A minimal Windows PE executable header ("MZ" stub), padded."""
    path = Path(path)
    header = bytearray(512)
    header[0:2] = b"MZ"
    header[0x3C:0x40] = struct.pack("<I", 0x80)
    header[0x80:0x84] = b"PE\x00\x00"
    path.write_bytes(bytes(header) + b"This program cannot be run in DOS mode.\r\n" + bytes(256))
    return path
