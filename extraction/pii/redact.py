"""Replace detected spans in page texts.

Operators per entity type:
  "replace" (default): typed, numbered placeholders, the same within a document
                       for the same value: "<PERSON_1>" wherever that person recurs;
  "mask":              the value's letters and digits become "*" (layout kept);
  "hash":              "<PERSON_3f2a9c1b>", a keyed SHA-256 prefix, stable across
                       documents for the same value and key;
  "keep":              left as it is.
The mapping returned holds placeholder -> original for "replace" and "hash";
it is what goes, encrypted, into the vault (vault.py).
"""
from __future__ import annotations

import hashlib
import hmac
import re
from typing import Iterable, Mapping, Protocol

OPERATORS = ("replace", "mask", "hash", "keep")


class _Span(Protocol):
    page: int
    start: int
    end: int
    type: str


def _normal(value: str) -> str:
    # "Jane  Miller" and "jane miller" are the same person for numbering.
    return re.sub(r"\s+", " ", value).strip().casefold()


def redact(text_pages: list[str], spans: Iterable[_Span], operators: Mapping[str, str] | None = None,
           hash_key: bytes = b"") -> tuple[list[str], dict[str, str]]:
    """Redact `spans` (page 1-based, offsets into that page) in `text_pages`.

    `operators` maps an entity type (or "default") to one of OPERATORS.
    Overlapping spans are merged into the first one's type.
    """
    operators = dict(operators or {})
    default = operators.get("default", "replace")
    for op in operators.values():
        if op not in OPERATORS:
            raise ValueError(f"unknown operator {op!r}; use one of {OPERATORS}")

    by_page: dict[int, list[_Span]] = {}
    for s in spans:
        if not 1 <= s.page <= len(text_pages):
            raise ValueError(f"span on page {s.page}, document has {len(text_pages)} pages")
        by_page.setdefault(s.page, []).append(s)

    numbers: dict[tuple[str, str], str] = {}
    counters: dict[str, int] = {}
    mapping: dict[str, str] = {}

    def placeholder(kind: str, value: str) -> str:
        key = (kind, _normal(value))
        if key not in numbers:
            counters[kind] = counters.get(kind, 0) + 1
            numbers[key] = f"<{kind}_{counters[kind]}>"
            mapping[numbers[key]] = value
        return numbers[key]

    def hashed(kind: str, value: str) -> str:
        digest = hmac.new(hash_key, _normal(value).encode(), hashlib.sha256).hexdigest()[:8]
        token = f"<{kind}_{digest}>"
        mapping.setdefault(token, value)
        return token

    # Number placeholders in reading order: page by page, left to right.
    out = list(text_pages)
    for page in sorted(by_page):
        text = text_pages[page - 1]
        merged: list[list] = []
        for s in sorted(by_page[page], key=lambda s: (s.start, -s.end)):
            if not 0 <= s.start < s.end <= len(text):
                raise ValueError(f"span {s.start}:{s.end} outside page {page}")
            if merged and s.start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], s.end)
            else:
                merged.append([s.start, s.end, s.type])
        pieces, pos = [], 0
        for start, end, kind in merged:
            value = text[start:end]
            op = operators.get(kind, default)
            if op == "replace":
                new = placeholder(kind, value)
            elif op == "hash":
                new = hashed(kind, value)
            elif op == "mask":
                new = re.sub(r"\w", "*", value)
            else:
                new = value
            pieces += [text[pos:start], new]
            pos = end
        pieces.append(text[pos:])
        out[page - 1] = "".join(pieces)
    return out, mapping
