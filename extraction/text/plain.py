"""Plain-text files.

Decoding, deterministic for the same bytes and pinned charset-normalizer version:

1. a byte-order mark (UTF-8, UTF-16, UTF-32) decides the encoding; the BOM is
   not part of the text;
2. data whose NUL bytes sit at every other position (UTF-16 of mostly Latin
   text written without a BOM) is decoded as UTF-16-LE/BE;
3. otherwise strict UTF-8 (by far the most common encoding today);
4. otherwise charset-normalizer's best guess, never UTF-16/32 (without a BOM it
   "finds" them in short random bytes). When several encodings are equally
   plausible (typical of short texts), Windows-1252 is preferred if it is one
   of them, so that short Western-European texts do not come out as Urdu or
   EBCDIC. (The price: a very short Central-European cp1250 text may be read
   as cp1252; longer texts are recognised by their language.)

A few stray NUL bytes are tolerated (the normalisation removes them).

Text that cannot be decoded, or that decodes to mostly control characters (a
binary file), raises ``ExtractionError("undecodable_text")``.

After decoding, newlines are normalised: ``\\r\\n`` and lone ``\\r`` become
``\\n``. The text is split into pages on form feeds (``\\f``), which are not part
of any page; without a form feed the file is one page. A trailing form feed
(``page 1\\fpage 2\\f``) does not create an empty last page. Then the common
normalisation of :mod:`extraction.text.base` applies to each page.
"""
from __future__ import annotations

import codecs
import os

import charset_normalizer

from .base import METHOD_PLAIN, ExtractionError, PageText, normalize_text

_BOMS = (
    # Longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_WIDE_UNICODE = ["utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le", "utf_7"]
PREFERRED_FALLBACK_ENCODING = "cp1252"

# C0 control characters that do not occur in honest plain text. Tab, LF, VT,
# FF, CR, ESC (printer output) and SUB (DOS end-of-file) are tolerated.
BAD_CONTROLS = frozenset(chr(c) for c in range(0x20)) - set("\t\n\x0b\x0c\r\x1a\x1b")
MAX_BAD_CONTROL_RATIO = 0.01
MAX_NUL_RATIO = 0.1


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """``(encoding, bom_length)`` when ``data`` starts with a Unicode BOM."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when the NUL bytes look like UTF-16 of mostly Latin text."""
    if len(data) < 2 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul >= 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul >= 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def guess_decode(data: bytes) -> str | None:
    """Decode bytes that have no BOM and are not UTF-8 with charset-normalizer; None if hopeless."""
    matches = charset_normalizer.from_bytes(data, cp_exclusion=_WIDE_UNICODE)
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        if (
            match.chaos == best.chaos
            and match.coherence == best.coherence
            and PREFERRED_FALLBACK_ENCODING in match.could_be_from_charset
        ):
            # could_be_from_charset lists encodings that decode to the same text.
            return data.decode(PREFERRED_FALLBACK_ENCODING)
    return str(best)


def controls_ok(text: str) -> bool:
    """False when the text has too many control characters to be plain text.

    NUL characters (removed by the normalisation anyway) are tolerated up to
    ``MAX_NUL_RATIO`` of the text.
    """
    if not text:
        return True
    nul = text.count("\x00")
    if nul > len(text) * MAX_NUL_RATIO:
        return False
    bad = sum(1 for ch in text if ch in BAD_CONTROLS) - nul
    return bad <= len(text) * MAX_BAD_CONTROL_RATIO


def decode_text(data: bytes) -> str:
    """Decode a whole text file (see the module docstring); raises ExtractionError."""
    bom = bom_encoding(data)
    text: str | None
    if bom is not None:
        encoding, skip = bom
        try:
            text = data[skip:].decode(encoding)
        except UnicodeDecodeError:
            text = None
    else:
        wide = utf16_without_bom(data) if b"\x00" in data else None
        try:
            text = data.decode(wide or "utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None:
            text = guess_decode(data)
    if text is None or not controls_ok(text):
        raise ExtractionError(
            "undecodable_text",
            "The text file's character encoding could not be recognised, or the file is not text.",
        )
    return text


def extract_plain(path: str | os.PathLike, *, max_pages: int) -> list[PageText]:
    with open(path, "rb") as fh:
        data = fh.read()
    text = decode_text(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = text.split("\f")
    if len(chunks) > 1 and not chunks[-1].strip():
        chunks.pop()
    if len(chunks) > max_pages:
        raise ExtractionError(
            "too_many_pages",
            f"The text file has more than {max_pages} pages (form feeds); the limit is {max_pages}.",
        )
    return [PageText(number=i, text=normalize_text(chunk), method=METHOD_PLAIN)
            for i, chunk in enumerate(chunks, start=1)]
