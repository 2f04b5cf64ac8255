"""PII detection and redaction for extracted document text.

    detect(text) -> [PiiSpan(start, end, type, score)]
    detect_many(texts) -> [[PiiSpan]]                                     # batched
    detect_pages(pages) -> [PagePiiSpan(page, start, end, type, score)]   # page is 1-based
    redact(pages, page_spans, {"PERSON": "replace", "default": "mask"}) -> (pages, {placeholder: original})
    Vault(load_vault_key(path)).encrypt(mapping, context=doc_id) / .decrypt(blob, context=doc_id)

Nothing here logs document text.
"""
from __future__ import annotations

from .analyzer import PiiAnalyzer, get_analyzer
from .redact import redact
from .types import PagePiiSpan, PiiSpan
from .vault import Vault, VaultError, load_vault_key


def detect(text: str) -> list[PiiSpan]:
    return get_analyzer().analyze(text)


def detect_many(texts: list[str]) -> list[list[PiiSpan]]:
    """detect() for each text, with spaCy run in batches."""
    return get_analyzer().analyze_many(texts)


def detect_pages(pages: list[str]) -> list[PagePiiSpan]:
    per_page = get_analyzer().analyze_many(pages)
    return [PagePiiSpan(number, s.start, s.end, s.type, s.score)
            for number, spans in enumerate(per_page, start=1) for s in spans]


__all__ = ["PiiAnalyzer", "PiiSpan", "PagePiiSpan", "Vault", "VaultError", "get_analyzer", "detect",
           "detect_many", "detect_pages", "load_vault_key", "redact"]
