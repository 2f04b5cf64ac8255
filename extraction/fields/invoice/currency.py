"""The invoice's currency: ISO codes and symbols written in the text."""
from __future__ import annotations

import re
from collections import Counter

from extraction.evidence import DocText
from extraction.fields.normalize import normalize_currency
from extraction.fields.result import FieldResult
from extraction.fields.invoice.lines import rounded


CURRENCY_RE = re.compile(
    r"(?<![A-Za-z])(EUR|USD|GBP|PLN|INR|CHF|SEK|NOK|DKK|CZK|HUF|CAD|AUD|JPY|CNY|MYR|SGD|HKD)(?![A-Za-z])|"
    r"(€|\$|£|₹|zł)|(?<![A-Za-z])(Rs)\.?(?=\s?-?\s?\d)|\b(US\s*Dollars?|euros?|z[łl]otych)\b", re.I)
WORD_CURRENCY = {"rs": "INR", "us dollar": "USD", "us dollars": "USD", "euro": "EUR", "euros": "EUR", "złotych": "PLN", "zlotych": "PLN"}


def extract_currency(doc: DocText) -> FieldResult | None:
    counts: Counter = Counter()
    spans: dict[str, list] = {}
    codes, symbols = set(), set()
    for m in CURRENCY_RE.finditer(doc.text):
        raw = m.group()
        if m.group(1):
            value = m.group(1).upper()
            codes.add(value)
        elif m.group(2):
            value = normalize_currency(m.group(2))
            symbols.add(value)
        else:
            value = WORD_CURRENCY.get(re.sub(r"\s+", " ", raw.lower().rstrip(".")))
            codes.add(value)
        if not value:
            continue
        counts[value] += 1
        spans.setdefault(value, []).append(doc.span(m.start(), m.end()))
    if not counts:
        return None
    ranked = counts.most_common()
    value, top = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0
    if value in codes and (not symbols or value in symbols or len(ranked) == 1):
        confidence = 0.95
    elif value == "USD" and value not in codes:
        confidence = 0.82  # "$" alone: US dollars unless the document says otherwise
    else:
        confidence = 0.9
    confidence *= top / (top + runner)
    return FieldResult("currency", value, rounded(confidence), spans[value][:4], "rule", value,
                       candidates=[{"value": v, "score": round(c / sum(counts.values()), 3)} for v, c in ranked[:5]])
