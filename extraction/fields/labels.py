"""Finding values next to their labels ("Invoice No: 123", "123Factuurnummer:", "Total\n$ 279.84").

PDF text layers put a label's value after it, before it (right-aligned columns) or
on a following line; this module tries each placement and reports where the value
stands, so every candidate carries its evidence span.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from extraction.evidence import DocText
from extraction.fields.result import Candidate

# How far (characters) to look for a value after its label, across line breaks and blank cells.
LOOKAHEAD = 80


def _lines(text: str):
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def labelled_candidates(
    doc: DocText,
    labels: Iterable[str],
    value_pattern: str,
    normalise: Callable[[str], object | None],
    *,
    score: float = 0.8,
    cue: str = "label",
) -> list[Candidate]:
    """Candidates for values matching ``value_pattern`` that stand next to one of ``labels``."""
    label_re = re.compile(r"(?:%s)\s*[:#.]?" % "|".join(labels), re.IGNORECASE)
    value_re = re.compile(value_pattern, re.IGNORECASE)
    found: list[Candidate] = []
    text = doc.text
    for label in label_re.finditer(text):
        after = text[label.end(): label.end() + LOOKAHEAD]
        match = value_re.search(after)
        # The value must come before any other letters-only word that looks like a new label.
        if match and not re.search(r"[A-Za-z]{4,}\s*:", after[: match.start()]):
            start = label.end() + match.start(match.lastindex or 0)
            end = label.end() + match.end(match.lastindex or 0)
            _add(found, doc, text[start:end], start, end, normalise, score, f"{cue} before value")
        line_start = text.rfind("\n", 0, label.start()) + 1
        before = text[line_start: label.start()]
        match = None
        for match in value_re.finditer(before):
            pass
        if match and match.end() >= len(before.rstrip()) - 1:
            start = line_start + match.start(match.lastindex or 0)
            end = line_start + match.end(match.lastindex or 0)
            _add(found, doc, text[start:end], start, end, normalise, score * 0.9, f"{cue} after value")
    return found


def _add(found, doc, raw, start, end, normalise, score, cue):
    value = normalise(raw)
    if value is None:
        return
    found.append(Candidate(value=value, text=raw.strip(), span=doc.span(start, end), score=score, cue=cue))


def best(candidates: list[Candidate]) -> tuple[Candidate | None, float]:
    """The best-supported value and a confidence from how much the candidates agree."""
    if not candidates:
        return None, 0.0
    support: dict[object, float] = {}
    for candidate in candidates:
        support[candidate.value] = support.get(candidate.value, 0.0) + candidate.score
    ranked = sorted(support.items(), key=lambda item: item[1], reverse=True)
    value, top = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    chosen = max((c for c in candidates if c.value == value), key=lambda c: c.score)
    confidence = min(1.0, chosen.score) * (top / (top + runner_up))
    return chosen, confidence
