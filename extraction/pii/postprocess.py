"""From raw recognizer results to one non-overlapping list of spans.

1. per-entity score thresholds from the configuration;
2. spans of one type that overlap become one span;
3. across types the stronger span wins; a weaker one that sticks out of it
   keeps its free part when that part is still a word;
4. a place directly followed by a postcode takes the postcode along;
5. names found once are marked wherever they recur (propagation.py).
"""
from __future__ import annotations

import regex as re

from .config import PiiConfig
from .intervals import DisjointSpans
from .propagation import propagate
from .types import PiiSpan

_TRIM = " \t\r\n,;:.!?\"'()[]{}<>|"
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}
_KEEP_DOT = ("STREET_ADDRESS", "PERSON", "ORGANIZATION")
_POSTCODE_AFTER = re.compile(r"[ ,]{1,2}(\d{3,5}(?:[- ]\d{2,4})?|\p{Lu}\d\p{Lu} ?\d\p{Lu}\d)(?![\w-])")


def _trim(text: str, span: PiiSpan) -> PiiSpan | None:
    start, end = span.start, span.end
    while start < end and text[start] in _TRIM:
        if text[start] in _OPENERS and _OPENERS[text[start]] in text[start:end]:
            break  # "(898)666-3621" keeps its bracket
        start += 1
    while end > start and text[end - 1] in _TRIM:
        if text[end - 1] in _CLOSERS and _CLOSERS[text[end - 1]] in text[start:end]:
            break
        # "Király u. 15." keeps no trailing dot, but "J." and "Inc." keep theirs.
        if text[end - 1] == "." and span.type in _KEEP_DOT and end - start > 1 and text[end - 2].isalpha() \
                and (end - start < 3 or not text[end - 3].isalpha() or span.type == "ORGANIZATION"):
            break
        end -= 1
    return PiiSpan(start, end, span.type, span.score) if end > start else None


def _union_same_type(spans: list[PiiSpan]) -> list[PiiSpan]:
    out: list[PiiSpan] = []
    for s in sorted(spans, key=lambda s: (s.type, s.start, -s.end)):
        if out and out[-1].type == s.type and s.start < out[-1].end:
            last = out[-1]
            out[-1] = PiiSpan(last.start, max(last.end, s.end), s.type, max(last.score, s.score))
        else:
            out.append(s)
    return out


def _free_part(span: PiiSpan, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The longest stretch of `span` not covered by `taken`."""
    pieces = [(span.start, span.end)]
    for ts, te in taken:
        nxt = []
        for ps, pe in pieces:
            if te <= ps or ts >= pe:
                nxt.append((ps, pe))
                continue
            if ps < ts:
                nxt.append((ps, ts))
            if te < pe:
                nxt.append((te, pe))
        pieces = nxt
    return max(pieces, key=lambda p: p[1] - p[0], default=None)


def _resolve_overlaps(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    kept: list[PiiSpan] = []
    taken = DisjointSpans()
    for s in sorted(spans, key=lambda s: (-s.score, -(s.end - s.start))):
        clashes = taken.overlapping(s.start, s.end)
        if not clashes:
            kept.append(s)
            taken.add(s.start, s.end)
            continue
        free = _free_part(s, clashes)
        if free and free[1] - free[0] >= 0.5 * (s.end - s.start):
            piece = _trim(text, PiiSpan(free[0], free[1], s.type, s.score))
            if piece and sum(c.isalnum() for c in text[piece.start:piece.end]) >= 2 \
                    and not taken.covers_any(piece.start, piece.end):
                kept.append(piece)
                taken.add(piece.start, piece.end)
    return sorted(kept)


def _attach_postcodes(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    out = []
    starts = {s.start for s in spans}
    for s in spans:
        if s.type == "LOCATION":
            m = _POSTCODE_AFTER.match(text, s.end)
            if m and m.start(1) not in starts:
                s = PiiSpan(s.start, m.end(1), s.type, s.score)
        out.append(s)
    return out


# A person's name is not one all-capital acronym ("PII", "GST") nor an identifier with underscores
# ("PHONE_NUMBER"); spaCy tags both as PERSON at the start of a line.
_NOT_A_NAME = re.compile(r"^(?:[A-Z]{2,5}|\w*_\w*)$")


# Nor is a document's title a person or a place: spaCy tags titles, most often all-capital ones such as
# "NON-DISCLOSURE AGREEMENT", "GENERAL RELEASE" or "EXECUTIVE CONFIDENTIALITY", as PERSON or LOCATION,
# which redacts the very words that say what the document is. These words (in any case) are cut out of
# a PERSON or LOCATION span; what is left of it stays redacted ("Exhibit A - William Turner Consulting
# Agreement" keeps "A - William Turner Consulting"), so a name next to a title never leaks.
_DOCUMENT_WORD = re.compile(
    r"(?i)\b(?:agreements?|release|disclosure|non-?disclosure|confidentiality|confidential|non-?compet\w*|"
    r"non-?solicit\w*|contract|amendment|addendum|exhibit|invoice|receipt|statement|waiver|covenants?)\b")
_CONNECTOR = re.compile(r"(?i)^(?:[\s/&,\-–]|and\b|of\b|or\b|the\b)+|(?:[\s/&,\-–]|\band|\bof|\bor|\bthe)+$")


def _plausible(text: str, span: PiiSpan) -> bool:
    return not (span.type == "PERSON" and _NOT_A_NAME.match(text[span.start:span.end]))


def _without_title_words(text: str, span: PiiSpan) -> list[PiiSpan]:
    """``span`` with the document-title words cut out (the pieces left that still hold a word)."""
    if span.type not in ("PERSON", "LOCATION"):
        return [span]
    cuts = list(_DOCUMENT_WORD.finditer(text, span.start, span.end))
    if not cuts:
        return [span]
    pieces, start = [], span.start
    for cut in cuts + [None]:
        end = cut.start() if cut else span.end
        piece = text[start:end]
        lead = _CONNECTOR.match(piece)
        s = start + (lead.end() if lead else 0)
        tail = _CONNECTOR.search(text[s:end])
        e = s + tail.start() if tail else end
        if re.search(r"\p{L}{2}", text[s:e]) and (t := _trim(text, PiiSpan(s, e, span.type, span.score))) is not None:
            pieces.append(t)
        start = cut.end() if cut else span.end
    return pieces


def finalize(text: str, raw: list[PiiSpan], config: PiiConfig) -> list[PiiSpan]:
    spans = [piece for s in raw if s.type in config.entities and s.score >= config.threshold(s.type)
             and (t := _trim(text, s)) is not None and _plausible(text, t)
             for piece in _without_title_words(text, t)]
    spans = _union_same_type(spans)
    spans = _resolve_overlaps(text, spans)
    spans = _attach_postcodes(text, spans)
    if "PERSON" in config.entities:
        spans = propagate(text, spans)
    return _resolve_overlaps(text, spans)
