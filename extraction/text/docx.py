"""Word (DOCX) documents: the main document body as one page.

DOCX has no reliable page breaks (pagination is done by the word processor), so
the whole body is page 1. Text, in document order:

- each paragraph is one line (paragraphs joined by ``\\n``); within a paragraph,
  tabs become ``\\t`` and line breaks ``\\n``; tracked insertions are included,
  tracked deletions are not; content controls (``w:sdt``) are unwrapped;
- each table row is one line, its cells joined by ``\\t`` (a horizontally merged
  cell is one cell; the continuation of a vertically merged cell is empty);
  paragraphs inside a cell are joined by ``\\n``; nested tables are included
  where they occur;
- text boxes anchored in a paragraph follow that paragraph, as further lines
  (the DrawingML text only; its VML fallback duplicate is skipped).

Headers, footers, footnotes, endnotes and comments are not included.
The common normalisation of :mod:`extraction.text.base` then applies.

Zip-bomb protection: before parsing, the archive's declared uncompressed size
(all entries) must not exceed ``MAX_UNCOMPRESSED_BYTES``, that of its XML parts
(what gets parsed into memory, where a few hundred KiB can inflate to hundreds
of MiB of text) ``MAX_XML_BYTES``, and its entry count ``MAX_ENTRIES``;
otherwise ``ExtractionError("too_large")``. Any archive or XML
problem raises ``ExtractionError("malformed_docx")``.
"""
from __future__ import annotations

import os
import zipfile

import docx as python_docx

from .base import METHOD_DOCX, ExtractionError, PageText, normalize_text

MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
# A 1,000-page report's document.xml is about 20 MiB; the parsed tree takes several times its size.
MAX_XML_BYTES = 48 * 1024 * 1024
MAX_ENTRIES = 10_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

_P = _W + "p"
_TBL = _W + "tbl"
_TR = _W + "tr"
_TC = _W + "tc"
_SDT = _W + "sdt"
_SDT_CONTENT = _W + "sdtContent"
_CUSTOM_XML = _W + "customXml"
_TXBX_CONTENT = _W + "txbxContent"
_ALTERNATE_CONTENT = _MC + "AlternateContent"
_FALLBACK = _MC + "Fallback"

# Inline elements and their text.
_INLINE_TEXT = {
    _W + "tab": "\t",
    _W + "ptab": "\t",
    _W + "br": "\n",
    _W + "cr": "\n",
    _W + "noBreakHyphen": "-",
}
# Subtrees whose text is not part of the paragraph's visible text.
_SKIP = {
    _W + "del", _W + "moveFrom", _W + "delText", _W + "instrText", _W + "delInstrText",
    _W + "pPr", _W + "rPr", _FALLBACK,
}
# Block containers that are transparent (their children are blocks).
_BLOCK_WRAPPERS = {_SDT_CONTENT, _CUSTOM_XML, _W + "ins", _W + "moveTo"}

_MALFORMED = "The Word document is damaged or is not a DOCX file, and cannot be read."


def extract_docx(path: str | os.PathLike, *, max_pages: int) -> list[PageText]:
    _check_archive(path)
    try:
        document = python_docx.Document(os.fspath(path))
        body = document.element.body
        lines: list[str] = []
        _blocks(body, lines)
    except MemoryError:
        raise
    except Exception as exc:  # BadZipFile, KeyError (missing part), ValueError (not Word), XMLSyntaxError...
        raise ExtractionError("malformed_docx", _MALFORMED) from exc
    return [PageText(number=1, text=normalize_text("\n".join(lines)), method=METHOD_DOCX)]


def _check_archive(path: str | os.PathLike) -> None:
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # An OLE compound file: a password-protected Office file or a legacy .doc.
        raise ExtractionError(
            "malformed_docx",
            "The file is not a DOCX document; it may be password-protected or in the old .doc format.",
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise ExtractionError("malformed_docx", _MALFORMED) from exc
    # ZipExtFile never yields more than the declared file_size, so declared sizes bound memory.
    xml_bytes = sum(info.file_size for info in infos if info.filename.lower().endswith((".xml", ".rels")))
    if len(infos) > MAX_ENTRIES or sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES \
            or xml_bytes > MAX_XML_BYTES:
        raise ExtractionError(
            "too_large",
            "The Word document's content is too large to process once decompressed.",
        )


def _blocks(parent, lines: list[str]) -> None:
    """Append the text lines of the block-level children of ``parent``."""
    for child in parent:
        tag = child.tag
        if tag == _P:
            boxes: list = []
            lines.append(_paragraph_text(child, boxes))
            for box in boxes:
                _blocks(box, lines)
        elif tag == _TBL:
            _table(child, lines)
        elif tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                _blocks(content, lines)
        elif tag in _BLOCK_WRAPPERS:
            _blocks(child, lines)
        elif tag == _ALTERNATE_CONTENT:
            for choice in child.iterchildren(_MC + "Choice"):
                _blocks(choice, lines)
                break


def _table(tbl, lines: list[str]) -> None:
    for row in _rows(tbl):
        cells = []
        for cell in _cells(row):
            cell_lines: list[str] = []
            _blocks(cell, cell_lines)
            cells.append("\n".join(cell_lines))
        lines.append("\t".join(cells))


def _rows(tbl):
    for child in tbl:
        if child.tag == _TR:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                yield from _rows(inner)


def _cells(row):
    for child in row:
        if child.tag == _TC:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                yield from _cells(inner)


def _paragraph_text(p, boxes: list) -> str:
    parts: list[str] = []
    _inline(p, parts, boxes)
    return "".join(parts)


def _inline(element, parts: list[str], boxes: list) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag in _INLINE_TEXT:
            parts.append(_INLINE_TEXT[tag])
        elif tag == _TXBX_CONTENT:
            boxes.append(child)
        elif tag in _SKIP:
            continue
        else:
            _inline(child, parts, boxes)
