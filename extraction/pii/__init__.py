"""PII detection and redaction for extracted document text.

    detect(text) -> [PiiSpan(start, end, type, score)]
    detect_many(texts) -> [[PiiSpan]]                                     # batched
    detect_pages(pages) -> [PagePiiSpan(page, start, end, type, score)]   # page is 1-based
    redact(pages, spans, operators) -> (redacted_pages, {placeholder: original})
    Vault(key).encrypt(mapping) / .decrypt(blob); load_vault_key(path)

Nothing here logs document text.
"""
from __future__ import annotations

from .analyzer import PiiAnalyzer, get_analyzer
from .types import PagePiiSpan, PiiSpan


def detect(text: str) -> list[PiiSpan]:
    return get_analyzer().analyze(text)


def detect_many(texts: list[str]) -> list[list[PiiSpan]]:
    """detect() for each text, with spaCy run in batches."""
    return get_analyzer().analyze_many(texts)


def detect_pages(pages: list[str]) -> list[PagePiiSpan]:
    per_page = get_analyzer().analyze_many(pages)
    return [PagePiiSpan(number, s.start, s.end, s.type, s.score)
            for number, spans in enumerate(per_page, start=1) for s in spans]


__all__ = ["PiiAnalyzer", "PiiSpan", "PagePiiSpan", "get_analyzer", "detect", "detect_many", "detect_pages"]
