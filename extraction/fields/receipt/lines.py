"""A receipt's lines, and the helpers every field's rules share."""
from __future__ import annotations

import re
from dataclasses import dataclass

from extraction.evidence import DocText, Span

@dataclass
class Line:
    index: int
    start: int  # global offsets into DocText.text
    end: int
    text: str

    @property
    def upper(self) -> str:
        return self.text.upper()


def split_lines(doc: DocText) -> list[Line]:
    lines = []
    for match in re.finditer(r"[^\n]+", doc.text):
        raw = match.group()
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        start = match.start() + lead
        lines.append(Line(len(lines), start, start + len(stripped), stripped))
    return lines


def span_of(doc: DocText, start: int, end: int) -> Span:
    return doc.span(start, end)


def rounded(x: float) -> float:
    return round(max(0.0, min(1.0, x)), 4)


def top_candidates(candidates: list[tuple[str, float]], n: int = 5) -> list[dict]:
    seen, out = set(), []
    for value, score in sorted(candidates, key=lambda c: -c[1]):
        if value in seen:
            continue
        seen.add(value)
        out.append({"value": value, "score": round(float(score), 4)})
        if len(out) >= n:
            break
    return out
