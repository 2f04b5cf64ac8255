"""Document-level name consistency.

A name found once with good evidence ("directed by Joakim Westg\u00e5rd") marks
its words elsewhere in the same text ("starring Westg\u00e5rd"), and a person in
a coordinated list ("Eklund, Michael and Hodge") makes the whole list people.
This is also what redaction needs: the same person, the same placeholder.
"""
from __future__ import annotations

import regex as re

from . import gazetteers
from .intervals import DisjointSpans
from .types import PiiSpan

_WORD = re.compile(r"\p{L}[\p{L}'\u2019-]*\p{L}")
_LIST = re.compile(r"(?<![\p{L}\d])\p{Lu}[\p{L}'\u2019-]+(?:(?:,[ \t]+|,?[ \t]+(?:and|&)[ \t]+)\p{Lu}[\p{L}'\u2019-]+)+(?![\p{L}\d])")
_LIST_SEP = re.compile(r",?[ \t]+(?:and|&)[ \t]+|,[ \t]+")
_CONTRACTION = re.compile(r"['\u2019](?:m|s|re|ve|ll|d|t)$", re.IGNORECASE)
_PARTICLES = {"van", "von", "de", "der", "den", "ten", "ter", "da", "di", "del", "della", "dos",
              "das", "do", "du", "le", "la", "bin", "ibn", "al", "el"}


def _name_words(text: str, spans: list[PiiSpan], english: frozenset[str]) -> set[str]:
    words = set()
    for s in spans:
        if s.type != "PERSON" or s.score < 0.6:
            continue
        for w in _WORD.findall(text[s.start:s.end]):
            w = re.sub(r"['\u2019]s$", "", w)
            if len(w) >= 3 and w.lower() not in english and w.lower() not in _PARTICLES:
                words.add(w)
    return words


def propagate(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    english = gazetteers.english_words()
    added: list[PiiSpan] = []
    taken = DisjointSpans((s.start, s.end) for s in spans)
    flags = re.IGNORECASE if not any(c.isupper() for c in text[1:]) else 0
    for word in _name_words(text, spans, english):
        for m in re.finditer(rf"(?<![\p{{L}}\d]){re.escape(word)}(?![\p{{L}}\d])", text, flags):
            if not taken.covers_any(m.start(), m.end()):
                added.append(PiiSpan(m.start(), m.end(), "PERSON", 0.7))
                taken.add(m.start(), m.end())
    people = DisjointSpans((s.start, s.end) for s in spans + added if s.type == "PERSON")
    for m in _LIST.finditer(text):
        items, pos = [], m.start()
        for sep in _LIST_SEP.finditer(text, m.start(), m.end()):
            items.append((pos, sep.start()))
            pos = sep.end()
        items.append((pos, m.end()))
        if not any(people.covers_any(a, b) for a, b in items):
            continue
        for a, b in items:
            item = text[a:b]
            if not taken.covers_any(a, b) and not gazetteers.is_common_word(item) \
                    and not _CONTRACTION.search(item):
                added.append(PiiSpan(a, b, "PERSON", 0.6))
                taken.add(a, b)
    return spans + added
