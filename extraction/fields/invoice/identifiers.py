"""The seller's VAT id and IBAN, checked by their checksums, never the customer's."""
from __future__ import annotations

import re
from collections import Counter

from extraction.evidence import DocText
from extraction.fields.result import FieldResult, ValidatorResult
from extraction.validation.validators import iban as iban_ok, vat_id as vat_ok
from extraction.fields.invoice.amounts import candidates_of
from extraction.fields.invoice.customer import CUSTOMER_LABEL, POSSESSIVE
from extraction.fields.invoice.lines import Line, line_at, rounded


VAT_LABEL = re.compile(
    r"(?<![A-Za-z])(?:VAT|TVA|BTW|USt|UStId|USt-?IdNr|MwSt|NIP|GSTIN|IVA|NIF|CIF|UID|TIN|Tax\s*ID)(?![A-Za-z])", re.I)
VAT_VALUE = re.compile(r"(?<![A-Z0-9])((?:[A-Z]{2}\s?)?\d[\dA-Z\s.\-]{6,17}[\dA-Z])(?![A-Z0-9])")
IBAN_RE = re.compile(r"\b([A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30})")


def extract_vat(doc: DocText, lines: list[Line], customer: set[int], ibans: set[str]):
    text = doc.text
    cands = []
    for m in VAT_LABEL.finditer(text):
        line = line_at(lines, m.start())
        if line is None:
            continue
        # the value after the label (same line, within 40 characters) or glued before it
        windows = [(m.end(), text[m.end(): min(line.end, m.end() + 45)], "after")]
        windows.append((line.start, text[line.start: m.start()], "before"))
        for base, window, where in windows:
            for v in VAT_VALUE.finditer(window):
                raw = v.group(1).strip(" .-")
                if where == "before" and v.end() < len(window.rstrip()) - 1:
                    continue
                value = re.sub(r"[\s.\-]", "", raw).upper()
                if value in ibans or not vat_ok(value)[0] or len(value) < 8:
                    continue
                s = base + v.start(1)
                score = 0.85
                if line.index in customer or CUSTOMER_LABEL.search(text[line.start: m.start()]) or POSSESSIVE.search(text[line.start: m.start()]):
                    score = 0.15  # "Uw BTW nummer", the buyer's NIP
                if not re.match(r"[A-Z]{2}", value):
                    score -= 0.1  # no country prefix: a national number
                cands.append((value, score, s, s + len(raw), raw))
                break
    if not cands:
        return None
    best = max(cands, key=lambda c: (c[1], -c[2]))
    rivals = [c for c in cands if c[0] != best[0] and c[1] >= 0.5]
    confidence = best[1] + 0.07 * (not rivals) - 0.3 * bool(rivals)
    return FieldResult("vat", best[0], rounded(confidence), [doc.span(best[2], best[3])], "rule", best[4],
                       [ValidatorResult("vat_id", True, best[0])],
                       candidates=candidates_of([(c[0], c[1]) for c in cands]))


def extract_iban(doc: DocText):
    cands = []
    for m in IBAN_RE.finditer(doc.text):
        raw = m.group(1)
        compact = re.sub(r"\s", "", raw)
        # the longest prefix that passes mod 97 (the match may run into the BIC or the next word)
        for n in range(min(34, len(compact)), 14, -1):
            if iban_ok(compact[:n])[0]:
                count = 0
                end = m.start(1)
                for ch in raw:
                    end += 1
                    if not ch.isspace():
                        count += 1
                    if count == n:
                        break
                cands.append((compact[:n], m.start(1), end))
                break
    if not cands:
        return None, set()
    values = Counter(c[0] for c in cands)
    value = values.most_common(1)[0][0]
    first = next(c for c in cands if c[0] == value)
    confidence = 0.92 if len(values) == 1 else 0.6
    return FieldResult("iban", value, confidence, [doc.span(first[1], first[2])], "rule", doc.text[first[1]:first[2]],
                       [ValidatorResult("iban", True, "mod 97")]), set(values)
