"""A document's evidence text as one string, with a way back to (page, start, end).

Stages that look at the whole document (classification, candidate search) work on
``DocText.text``, the pages joined by a blank line; every span they report is
translated back to page offsets with :meth:`DocText.span`, because that is what
the stored pages, the UI and the audit log point into.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from extraction.text.base import METHOD_OCR

PAGE_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Span:
    """Where a value stands in the evidence: 1-based page, character offsets into that page's text."""

    page: int
    start: int
    end: int

    def as_dict(self):
        return {"page": self.page, "start": self.start, "end": self.end}


@dataclass
class DocText:
    pages: list[str]
    # Personal data found by the PII stage, as (global start, global end, type); see safe_window.
    pii: list[tuple[int, int, str]] = field(default_factory=list)
    # How each page's text was obtained ("text_layer", "ocr", "plain", "docx"), where known.
    methods: list[str] = field(default_factory=list)
    text: str = field(init=False)
    _starts: list[int] = field(init=False, repr=False)

    def __post_init__(self):
        self._starts = []
        offset = 0
        for page in self.pages:
            self._starts.append(offset)
            offset += len(page) + len(PAGE_SEPARATOR)
        self.text = PAGE_SEPARATOR.join(self.pages)

    @property
    def read_by_ocr(self) -> bool:
        """Whether any page was read from an image by OCR (its values carry character errors)."""
        return METHOD_OCR in self.methods

    def span(self, start: int, end: int) -> Span:
        """The page span of global offsets ``[start, end)`` (clipped to the page ``start`` falls on)."""
        index = max(0, bisect.bisect_right(self._starts, start) - 1)
        base = self._starts[index]
        page_len = len(self.pages[index]) if self.pages else 0
        return Span(index + 1, start - base, min(end - base, page_len))

    def set_pii(self, page_spans) -> None:
        """Record personal data found per page: ``(page, start, end, type)`` in page offsets."""
        self.pii = [(self._starts[page - 1] + start, self._starts[page - 1] + end, kind)
                    for page, start, end, kind in page_spans]

    def global_offset(self, span: Span) -> int:
        return self._starts[span.page - 1] + span.start

    def quote(self, span: Span) -> str:
        return self.pages[span.page - 1][span.start:span.end]

    def find_all(self, value: str, *, loose: bool = True) -> list[Span]:
        """Every place ``value`` occurs (case- and whitespace-insensitive when ``loose``): the grounding check."""
        value = value.strip()
        if not value:
            return []
        if loose:
            pattern = r"\s+".join(re.escape(part) for part in value.split())
            matches = re.finditer(pattern, self.text, flags=re.IGNORECASE)
        else:
            matches = re.finditer(re.escape(value), self.text)
        return [self.span(m.start(), m.end()) for m in matches]

    def safe_window(self, start: int, end: int) -> str:
        """``text[start:end]`` with personal data replaced by ``<TYPE>`` placeholders.

        Anything that goes into a model prompt must come through here: models see
        redacted text only.
        """
        start, end = max(0, start), min(len(self.text), end)
        pieces, cursor = [], start
        for pii_start, pii_end, kind in sorted(self.pii):
            if pii_end <= start or pii_start >= end:
                continue
            pieces.append(self.text[cursor:max(cursor, pii_start)])
            pieces.append(f"<{kind}>")
            cursor = max(cursor, min(end, pii_end))
        pieces.append(self.text[cursor:end])
        return "".join(pieces)
