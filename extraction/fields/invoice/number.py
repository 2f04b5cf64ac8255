"""The invoice number: the identifier after an invoice-number label."""
from __future__ import annotations

import re

from extraction.evidence import DocText
from extraction.fields.result import FieldResult
from extraction.fields.invoice.amounts import candidates_of, MONEY_RE
from extraction.fields.invoice.dates import DATE_RE
from extraction.fields.invoice.lines import Line, rounded


NUMBER_LABEL = re.compile(
    r"(?P<strong>invoice\s*(?:no\b\.?|number|nr\b\.?|#|num\b\.?|id\b)|inv\s*(?:no|#)\.?|"
    r"(?:facture|fact\.)\s*(?:n\s*[°ºo]\.?|num[ée]ro|no\b\.?)|n\s*[°ºo]\.?\s*(?:de\s*)?facture|num[ée]ro\s*de\s*facture|"
    r"factuur\s*(?:nummer|nr\.?|no\.?)|factuurnummer|rechnungs?\s*-?\s*(?:nummer|nr\.?|no\.?)|rechnungsnummer|"
    r"faktur[ay]\s*(?:vat\s*)?(?:nr\.?|numer|no\.?)|n(?:ume)?r\.?\s*faktury|bill\s*(?:no|number)\.?|"
    r"receipt\s*(?:no|number|#)\.?|booking\s*(?:id|no|number|ref\w*)|document\s*(?:no|number)\.?|credit\s*note\s*(?:no|number))"
    r"|(?P<bare>^\s*(?:tax\s*)?(?:invoice|facture|factuur|rechnung|faktura(?:\s*vat)?)\b)",
    re.I | re.M)
NUMBER_NEG = re.compile(
    r"customer|client|klant|kunde|account|compte|konto|order|commande|bestel|auftrag|zam[óo]wien|contract|vertrag|"
    r"dossier|\bpo\b|purchase|phone|tel|fax|vat|tva|btw|tax\s*id|siret|siren|iban|kvk|registr|serial|serie|ref",
    re.I)
TOKEN_RE = re.compile(r"#?\s?(?:[A-Z]{1,4}\s)?[A-Z0-9][A-Z0-9/_.\-]{2,40}", re.I)


def _number_ok(token: str) -> str | None:
    token = token.strip().rstrip(".-/")
    if not re.search(r"\d", token) or len(re.sub(r"\W", "", token)) < 3:
        return None
    if DATE_RE.fullmatch(token.lstrip("#").strip()) or MONEY_RE.fullmatch(token.lstrip("#").strip()):
        return None
    if re.fullmatch(r"\d{1,2}", token):
        return None
    return token


def extract_invoice_number(doc: DocText, lines: list[Line]) -> FieldResult | None:
    text = doc.text
    cands = []
    for m in NUMBER_LABEL.finditer(text):
        bare = m.group("bare") is not None
        base = 0.5 if bare else 0.85
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        if NUMBER_NEG.search(text[max(line_start, m.start() - 12): m.start()]):
            continue  # "customer invoice no." is still fine, "order / account no." is not
        # after the label: the first token (skipping ':', '#', 'n°', blank cells)
        after = text[m.end(): m.end() + 60]
        lead = re.match(r"[\s:#.°º]*(?:n[°º]\s*)?[\s:]*", after)
        rest = after[lead.end():]
        tok = TOKEN_RE.match(rest)
        after_cand = None
        # a value printed after the label, unless another label comes first or it is glued to one
        if tok and not re.match(r"[A-Za-zÀ-ž]{3,}[^\n\d]*:", rest) and not re.search(r"\d[A-Za-z]{4,}", tok.group()):
            value = _number_ok(tok.group())
            if value and not (bare and not re.search(r"\d{3}", value)):
                s = m.end() + lead.end() + tok.start()
                raw = text[s: s + len(tok.group().rstrip(".-/ "))]
                same_line = s < line_end
                # on the next line: as sure when the label stands alone on its line and the value alone on the next
                alone = (re.fullmatch(r"[\s:#.]*", text[m.end(): line_end]) is not None
                         and re.fullmatch(r"\s*", rest[tok.end():].split("\n", 1)[0]) is not None)
                after_cand = (value.lstrip("#").strip(), base if same_line or (alone and not bare) else base * 0.9,
                              "label before value", s, s + len(raw), raw)
                if same_line:
                    cands.append(after_cand)
                    continue
        # ... or before it on the same line ("993548900Factuurnummer:")
        before = text[line_start: m.start()]
        tail = re.search(r"([A-Z0-9][A-Z0-9/_.\-]{2,40})\s*$", before, re.I)
        value = _number_ok(tail.group(1)) if tail and not bare else None
        if value and not re.search(r"[A-Za-z]{4,}", value):
            s = line_start + tail.start(1)
            # a label that ends its line right after the value ("993548900Factuurnummer:") is the swapped column
            ends_line = re.fullmatch(r"[\s:#.]*", text[m.end(): line_end]) is not None
            cands.append((value, base if ends_line else base * 0.9, "label after value", s, s + len(tail.group(1)), tail.group(1)))
        elif after_cand:
            cands.append(after_cand)
    if not cands:
        return None
    support: dict[str, float] = {}
    for value, score, *_ in cands:
        key = re.sub(r"[\W_]", "", value).upper()
        support[key] = support.get(key, 0.0) + score
    best = max(cands, key=lambda c: (support[re.sub(r"[\W_]", "", c[0]).upper()], c[1]))
    key = re.sub(r"[\W_]", "", best[0]).upper()
    top = support[key]
    runner = max((v for k, v in support.items() if k != key), default=0.0)
    confidence = min(0.97, best[1] + 0.05 * (top > best[1] + 0.01)) * (top / (top + runner))
    same = [c for c in cands if re.sub(r"[\W_]", "", c[0]).upper() == key]
    return FieldResult("invoice_number", best[0], rounded(confidence), [doc.span(c[3], c[4]) for c in same][:4],
                       "rule", best[5], candidates=candidates_of([(c[0], c[1]) for c in cands]))
