"""Media-type sniffing by content (magic bytes), never by file name or extension.

``sniff_media_type(head)`` decides from the first bytes of a file;
``sniff_file(path)`` is the authoritative check the app calls: it reads the head
and, for ZIP content, opens the archive to tell a Word document from any other
ZIP (a DOCX is a ZIP whose ``[Content_Types].xml`` declares a WordprocessingML
main document part).

Only the media types in ``SUPPORTED_MEDIA_TYPES`` are ever returned; anything
else (executables, archives, other image or office formats, random bytes, empty
files) gives ``None``.
"""
from __future__ import annotations

import codecs
import io
import os
import zipfile

from filetype.types import image as _ft_image

from .plain import bom_encoding, controls_ok, guess_decode

PDF = "application/pdf"
PLAIN = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"

SUPPORTED_MEDIA_TYPES = frozenset({PDF, PLAIN, DOCX, PNG, JPEG, TIFF})
IMAGE_MEDIA_TYPES = frozenset({PNG, JPEG, TIFF})

HEAD_SIZE = 8192

_DOCX_MAIN_CONTENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MAX_CONTENT_TYPES_SIZE = 1 << 20  # [Content_Types].xml is a few KiB in practice

# Text-based formats that are not plain text and are not supported.
_NOT_PLAIN_PREFIXES = (b"{\\rtf", b"%!PS")

_PNG = _ft_image.Png()
_JPEG = _ft_image.Jpeg()
_TIFF = _ft_image.Tiff()


def sniff_media_type(head: bytes) -> str | None:
    """Media type of content whose first bytes are ``head``; ``None`` when unsupported.

    ``head`` is the first 8 KiB of the file (or the whole file if smaller).
    A ZIP is reported as DOCX when its first entries are Word parts (or, when
    ``head`` is shorter than 8 KiB and therefore the whole file, when the archive
    declares a Word main document). For files larger than the head, use
    :func:`sniff_file`, which inspects the whole archive.
    """
    if not head:
        return None
    if head[:1024].lstrip(b" \t\r\n\x0c").startswith(b"%PDF-"):
        return PDF  # leading whitespace is tolerated, as PDF readers do
    if _PNG.match(head):
        return PNG
    if _JPEG.match(head):
        return JPEG
    if _TIFF.match(head):
        return TIFF
    if head.startswith(b"PK\x03\x04"):
        if len(head) < HEAD_SIZE:  # the whole file
            return DOCX if _zip_is_docx(io.BytesIO(head)) else None
        return DOCX if _zip_head_looks_like_docx(head) else None
    if _looks_like_text(head):
        return PLAIN
    return None


def sniff_file(path: str | os.PathLike) -> str | None:
    """Media type of the file at ``path`` by its content; ``None`` when unsupported."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD_SIZE)
    if head.startswith(b"PK\x03\x04"):
        return DOCX if _zip_is_docx(path) else None
    return sniff_media_type(head)


def _zip_is_docx(file) -> bool:
    """True when the ZIP declares a WordprocessingML main document part.

    Only the central directory and ``[Content_Types].xml`` (size-capped) are read.
    """
    try:
        with zipfile.ZipFile(file) as zf:
            try:
                info = zf.getinfo("[Content_Types].xml")
            except KeyError:
                return False
            if info.file_size > _MAX_CONTENT_TYPES_SIZE:
                return False
            with zf.open(info) as fh:
                content_types = fh.read(_MAX_CONTENT_TYPES_SIZE + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError):
        # RuntimeError: encrypted entry; NotImplementedError: unknown compression.
        return False
    return _DOCX_MAIN_CONTENT_TYPE in content_types


def _zip_head_looks_like_docx(head: bytes) -> bool:
    """Best effort for a truncated ZIP: a local file header names a Word part."""
    pos = 0
    while True:
        pos = head.find(b"PK\x03\x04", pos)
        if pos < 0 or pos + 30 > len(head):
            return False
        name_len = int.from_bytes(head[pos + 26:pos + 28], "little")
        name = head[pos + 30:pos + 30 + name_len]
        if name == b"word/document.xml":
            return True
        pos += 4


def _looks_like_text(head: bytes) -> bool:
    """No NUL bytes and decodable (UTF-8, a BOM, or charset-normalizer), few control characters."""
    if head.startswith(_NOT_PLAIN_PREFIXES):
        return False
    bom = bom_encoding(head)
    if bom is not None:
        encoding, skip = bom
        text = _decode_prefix(head[skip:], encoding)
        return text is not None and controls_ok(text)
    if b"\x00" in head:
        return False
    text = _decode_prefix(head, "utf-8")
    if text is None:
        text = guess_decode(head)
    return text is not None and controls_ok(text)


def _decode_prefix(data: bytes, encoding: str) -> str | None:
    """Strictly decode ``data``, tolerating a multi-byte sequence cut off at the end."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        return decoder.decode(data, final=False)
    except UnicodeDecodeError:
        return None
