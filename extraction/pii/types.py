"""Span records handed to the pipeline and to redaction."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class PiiSpan:
    """A detected personal-data span: character offsets into the analysed text."""

    start: int
    end: int
    type: str
    score: float = 1.0

    def to_dict(self) -> dict:
        return {"type": self.type, "start": self.start, "end": self.end, "score": round(self.score, 3)}


@dataclass(frozen=True, order=True)
class PagePiiSpan:
    """A span on one page; `page` is 1-based, offsets index that page's text."""

    page: int
    start: int
    end: int
    type: str
    score: float = 1.0

    def to_dict(self) -> dict:
        return {"page": self.page, "type": self.type, "start": self.start, "end": self.end,
                "score": round(self.score, 3)}
