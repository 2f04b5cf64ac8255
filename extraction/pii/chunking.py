"""Long texts to overlapping windows for PII detection, and the windows' results back to one list.

spaCy refuses texts over ``nlp.max_length`` (1,000,000 characters) and its memory grows with
the text, so a long page is analysed in windows. Consecutive windows overlap, and each result
is kept from one window only: the one whose *core* holds the result's start. A core ends in the
middle of the overlap, so an entity shorter than half the overlap that the end of one window
cuts in two starts in the next window's core, where it lies whole.
"""
from __future__ import annotations

from dataclasses import dataclass

#: Characters per window: far below spaCy's limit, and small enough to keep memory flat.
WINDOW_CHARS = 100_000
#: Characters shared by consecutive windows; entities up to half of it are never cut.
OVERLAP_CHARS = 2_000


@dataclass(frozen=True)
class Window:
    """``text[start:end]``; results that start in ``[core_start, core_end)`` belong to it."""

    start: int
    end: int
    core_start: int
    core_end: int

    def owns(self, absolute_start: int) -> bool:
        return self.core_start <= absolute_start < self.core_end


def windows(text: str, size: int | None = None, overlap: int | None = None) -> list[Window]:
    """Windows over ``text``: one when it fits, else overlapping ones cut at whitespace where possible."""
    size = size or WINDOW_CHARS
    overlap = overlap or OVERLAP_CHARS
    if size <= 2 * overlap:
        raise ValueError("a window must be more than twice the overlap")
    if len(text) <= size:
        return [Window(0, len(text), 0, len(text))]
    bounds = []
    start = 0
    while True:
        end = min(start + size, len(text))
        if end < len(text):
            end = _cut_at_space(text, end, floor=start + size - overlap // 2)
        bounds.append((start, end))
        if end >= len(text):
            break
        start = end - overlap
    result = []
    for i, (start, end) in enumerate(bounds):
        core_start = 0 if i == 0 else bounds[i - 1][1] - overlap // 2
        core_end = len(text) if i == len(bounds) - 1 else end - overlap // 2
        result.append(Window(start, end, core_start, core_end))
    return result


def _cut_at_space(text: str, end: int, floor: int) -> int:
    """The last whitespace at or before ``end`` (not before ``floor``), so no word is cut needlessly."""
    for i in range(end, floor, -1):
        if text[i - 1].isspace():
            return i
    return end
