"""An invoice's lines, and the helpers every field's rules share."""
from __future__ import annotations

import re

from extraction.evidence import DocText


class Line:
    __slots__ = ("index", "start", "end", "text")

    def __init__(self, index, start, end, text):
        self.index, self.start, self.end, self.text = index, start, end, text


def split_lines(doc: DocText) -> list[Line]:
    out = []
    for m in re.finditer(r"[^\n]+", doc.text):
        raw = m.group()
        stripped = raw.strip()
        if stripped:
            start = m.start() + len(raw) - len(raw.lstrip())
            out.append(Line(len(out), start, start + len(stripped), stripped))
    return out


def line_at(lines: list[Line], offset: int) -> Line | None:
    lo, hi = 0, len(lines) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if lines[mid].end < offset:
            lo = mid + 1
        elif lines[mid].start > offset:
            hi = mid - 1
        else:
            return lines[mid]
    return None


def rounded(x: float) -> float:
    return round(max(0.0, min(1.0, x)), 4)
