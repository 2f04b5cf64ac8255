"""PII detection and redaction for extracted document text.

    detect(text) -> [PiiSpan(start, end, type, score)]
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


def detect_pages(pages: list[str]) -> list[PagePiiSpan]:
    analyzer = get_analyzer()
    return [PagePiiSpan(number, s.start, s.end, s.type, s.score)
            for number, page in enumerate(pages, start=1) for s in analyzer.analyze(page)]


__all__ = ["PiiAnalyzer", "PiiSpan", "PagePiiSpan", "get_analyzer", "detect", "detect_pages"]
