"""Typed, grounded candidates from the evidence layer: every value that a field of a given kind
could take, with where it stands. Candidate generation bounds recall, so it casts wide; the
ranker (zeroshot.py, or a learned specialist) chooses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extraction.evidence import DocText
from extraction.fields.general.kinds import Kind
from extraction.fields.general.legal_names import legal_names
from extraction.fields.nda.term import TERM_RE, term_value
from extraction.fields.normalize import (
    CURRENCY_SYMBOLS,
    DATE_PATTERNS,
    ISO_CURRENCIES,
    date_from_match,
    normalize_amount,
)
from extraction.fields.places import COUNTRIES, OTHER_PLACES, US_STATES, canonical_place, place_alternation

# Free-text candidates: lines (and blocks of consecutive short lines) near the top of a document,
# values after a label anywhere, the names the PII stage found, and organisations named with their legal form.
TEXT_LINES = 60
BLOCK_LINES = 30
MAX_LINE_CHARS = 120
BLOCK_LINE_CHARS = 60
MAX_BLOCK = 6
MAX_PER_SOURCE = 200
NAME_TYPES = ("PERSON", "ORGANIZATION", "LOCATION", "STREET_ADDRESS")
# Candidates that are whole lines: a specialist reads them through their lines' embeddings.
BLOCK_SOURCES = tuple(f"block{size}" for size in range(2, MAX_BLOCK + 1))
WHOLE_LINE_SOURCES = ("line",) + BLOCK_SOURCES

_AMOUNT = re.compile(r"(?<![\d.,])-?(?:\d{1,3}(?:[,. ']\d{3})+|\d+)[.,]\d{2}(?![\d])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CURRENCY = re.compile(r"\b(%s)\b|(%s)" % ("|".join(sorted(ISO_CURRENCIES)), "|".join(
    re.escape(s) for s in sorted(CURRENCY_SYMBOLS, key=len, reverse=True) if not s.isalpha())))
_PLACE = re.compile(r"\b(?:the\s+)?(?:(?:State|Commonwealth)\s+of\s+)?(%s)\b" % place_alternation(
    US_STATES + COUNTRIES + OTHER_PLACES))
_IDENTIFIER = re.compile(r"(?<![\w-])(?=[\w/-]*\d)[A-Z0-9][A-Za-z0-9/-]{3,}[A-Za-z0-9](?![\w-])")
_BRACKETED = r"\([^()\n]{1,30}\)"
BRACKETED_TAIL = re.compile(rf"\s*{_BRACKETED}\s*$")
# A registration code ("273500-U", "#000002"), and a line's words between such codes and a bracketed tail.
_CODE = r"[#(]?\d{4,}(?:-[A-Z]{1,2})?\)?[.,]?"
_LINE_WORDS = re.compile(rf"\s*(?:{_CODE}\s+)*(\S.*?\S)(?:\s+{_CODE})*(?:\s*{_BRACKETED})?\s*")
_LABEL_VALUE = re.compile(r"^[ \t]*([A-Za-z][\w .'/()-]{1,40}?)[ \t]*[:#][ \t]*(\S[^\n]{0,100}?)[ \t]*$", re.M)


@dataclass
class Proposal:
    """A value the document holds, at global offsets [start, end) of ``DocText.text``."""

    value: object
    text: str
    start: int
    end: int
    source: str  # how it was found: "pattern", "line", "block", "after_label", "pii:PERSON"...
    features: dict = field(default_factory=dict)


def propose(doc: DocText, kind: Kind, pattern: str | None = None) -> list[Proposal]:
    """Every candidate of ``kind`` in ``doc``, in reading order, each value grounded in its span."""
    text = doc.text
    if kind is Kind.DATE:
        found = []
        for date_re in DATE_PATTERNS:
            for m in date_re.finditer(text):
                value = date_from_match(m)
                if value is not None:
                    found.append(Proposal(value.isoformat(), m.group(0), m.start(), m.end(), "pattern"))
        return _in_order(found)
    if kind is Kind.AMOUNT:
        return _matches(_AMOUNT, text, normalize_amount)
    if kind is Kind.EMAIL:
        return _matches(_EMAIL, text, str.strip)
    if kind is Kind.CURRENCY:
        return _matches(_CURRENCY, text, lambda s: s.upper() if s.upper() in ISO_CURRENCIES else CURRENCY_SYMBOLS.get(s))
    if kind is Kind.DURATION:
        # "the 10 day of January, 2007" is a date, not a period of 10 days.
        dates = [(m.start(), m.end()) for date_re in DATE_PATTERNS for m in date_re.finditer(text)]
        return [Proposal(v, m.group(0), m.start(), m.end(), "pattern") for m in TERM_RE.finditer(text)
                if (v := term_value(m)) and not any(start <= m.start() < end for start, end in dates)]
    if kind is Kind.PLACE:
        return [Proposal(canonical_place(m.group(1)), m.group(1), m.start(1), m.end(1), "pattern")
                for m in _PLACE.finditer(text)]
    if kind is Kind.IDENTIFIER:
        if pattern:
            try:
                return _matches(re.compile(pattern.removeprefix("^").removesuffix("$")), text, str.strip)
            except re.error:
                pass
        # Any code with a digit in it, but not a date written with slashes or dashes (12/03/2024), which is a date.
        return [p for p in _matches(_IDENTIFIER, text, str.strip) if not _is_date(p.text)]
    return _text_candidates(doc)


def _is_date(text: str) -> bool:
    return any((m := date_re.fullmatch(text)) and date_from_match(m) for date_re in DATE_PATTERNS)


def _matches(regex, text, normalise) -> list[Proposal]:
    found = []
    for m in regex.finditer(text):
        value = normalise(m.group(0))
        if value:
            found.append(Proposal(value, m.group(0), m.start(), m.end(), "pattern"))
    return found


def _in_order(found: list[Proposal]) -> list[Proposal]:
    """Sorted by position; of candidates that overlap, the longest (the most complete reading) stays."""
    kept: list[Proposal] = []
    for p in sorted(found, key=lambda p: (p.start, -(p.end - p.start))):
        if kept and p.start < kept[-1].end:
            continue
        kept.append(p)
    return kept


def lines_of(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of ``text``, without its line break."""
    bounds, start = [], 0
    for line in text.split("\n"):
        bounds.append((start, start + len(line)))
        start += len(line) + 1
    return bounds


def _squash(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def _text_candidates(doc: DocText) -> list[Proposal]:
    text = doc.text
    found: list[Proposal] = []
    lines = [(s, e) for s, e in lines_of(text) if text[s:e].strip()]
    for start, end in lines[:TEXT_LINES]:
        line = text[start:end]
        if len(line.strip()) <= MAX_LINE_CHARS:
            lead = len(line) - len(line.lstrip())
            found.append(Proposal(_squash(line), line.strip(), start + lead, start + len(line.rstrip()), "line"))
            spans = {(lead, len(line.rstrip()))}  # on the line, of the candidates taken from it
            # A name followed by a bracketed code on its line ("SPEED MART S/B (519537-X)"): the name alone too.
            head = BRACKETED_TAIL.search(line)
            head_end = len(line[:head.start()].rstrip()) if head else None
            spans.add((lead, head_end))  # a name too short to stand before its code ("ZR (...)") is not taken either
            if head and head.start() - lead >= 3:
                found.append(Proposal(_squash(line[lead:head_end]), line[lead:head_end], start + lead, start + head_end,
                                      "line_head"))
            # A name between registration codes on its line ("#000002 BAIFU (M) SDN BHD", "KING'S CONFECTIONERY
            # S/B 273500-U"): the words alone too, where they hold no figure or label.
            words = _LINE_WORDS.fullmatch(line)
            if words and words.span(1) not in spans and not any(c.isdigit() or c == ":" for c in words.group(1)):
                found.append(Proposal(_squash(words.group(1)), words.group(1), start + words.start(1), start + words.end(1),
                                      "line_head"))
    for size in range(2, MAX_BLOCK + 1):
        for i in range(min(BLOCK_LINES, len(lines)) - size + 1):
            block = lines[i:i + size]
            if all(e - s <= BLOCK_LINE_CHARS for s, e in block):
                start, end = block[0][0], block[-1][1]
                lead = len(text[start:end]) - len(text[start:end].lstrip())
                found.append(Proposal(_squash(text[start:end]), text[start + lead:end].strip(), start + lead, end,
                                      f"block{size}"))
    for m in list(_LABEL_VALUE.finditer(text))[:MAX_PER_SOURCE]:
        found.append(Proposal(_squash(m.group(2)), m.group(2), m.start(2), m.end(2), "after_label"))
    seen = set()
    for start, end, pii_type in sorted(doc.pii):
        value = _squash(text[start:end])
        if pii_type in NAME_TYPES and value and (value.casefold(), pii_type) not in seen and len(seen) < MAX_PER_SOURCE:
            seen.add((value.casefold(), pii_type))
            found.append(Proposal(value, text[start:end], start, end, f"pii:{pii_type}"))
    named = set()
    for start, end in legal_names(text):
        value = _squash(text[start:end])
        if value.casefold() not in named and len(named) < MAX_PER_SOURCE:
            named.add(value.casefold())
            found.append(Proposal(value, text[start:end], start, end, "legal_name"))
    return [p for p in found if p.value]
