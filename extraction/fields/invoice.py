"""Invoice fields from labelled values in several languages (English, French, Dutch, German, Polish).

Labels and IDs are cues, not memorised layouts: every value is found next to a label
or matched by its own format (IBAN, VAT id), and points to where it stands.
"""
from __future__ import annotations

import re

from extraction.evidence import DocText
from extraction.fields.labels import best, labelled_candidates
from extraction.fields.normalize import normalize_amount, normalize_currency, normalize_date
from extraction.fields.result import Candidate, FieldResult

AMOUNT = r"((?:[$€£₹]|EUR|USD|GBP|PLN|INR|zł|Rs\.?)?\s*-?\d{1,3}(?:[ .,']\d{3})*(?:[.,]\d{2})|\d+[.,]\d{2})"
DATE = (
    r"(\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}\s+[A-Za-zéûä]+\.?\s+\d{4}|[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4})"
)
NUMBER = r"(#?[A-Z0-9][A-Z0-9/_\-]{3,30})"

LABELS = {
    "invoice_number": [
        r"invoice\s*(?:no|number|nr|#|num)\.?", r"invoice\s+id", r"facture\s*n[°o]", r"n[°o]\s*de\s*facture",
        r"factuurnummer", r"factuur\s*nr", r"rechnungs?(?:nummer|-nr\.?|\s*nr\.?)", r"faktura\s*(?:vat\s*)?(?:nr|numer)",
        r"order\s*id", r"bill\s*(?:no|number)", r"^invoice",
    ],
    "date": [
        r"invoice\s*date", r"date\s*of\s*issue", r"issue\s*date", r"date\s*d['’]émission", r"factuurdatum",
        r"rechnungsdatum", r"data\s*wystawienia", r"invoice\s*dated?", r"\bdu\b", r"\bdate\b", r"\bdatum\b",
    ],
    "amount": [
        r"total\s*(?:amount\s*)?(?:due|to\s*pay|payable)?", r"grand\s*total", r"amount\s*due", r"totaal",
        r"total\s*ttc", r"somme\s*à\s*payer", r"montant\s*ttc", r"gesamtbetrag", r"do\s*zapłaty", r"razem",
        r"total\s*facture",
    ],
    "amount_untaxed": [
        r"sub\s*-?total", r"total\s*(?:excl\.?|excluding|before)\s*(?:vat|tax)", r"exclusief\s*btw", r"montant\s*(?:eur\s*)?ht",
        r"total\s*ht", r"netto", r"net\s*amount", r"total\s*net",
    ],
}
CURRENCY_RE = re.compile(r"(?<![A-Za-z])(EUR|USD|GBP|PLN|INR|CHF|€|\$|£|₹|zł)(?![A-Za-z])")
IBAN_RE = re.compile(r"\b([A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?)")
VAT_RE = re.compile(
    r"(?:VAT|TVA|BTW|USt|NIP|GSTIN|IVA)[\s\w.\-/]{0,20}?[:#]?\s*((?:[A-Z]{2}\s?)?\d[\d\s.\-]{6,14}[\dA-Z]{0,3}(?:B\d{2})?)"
    r"|\b([A-Z]{2}\d{8,12}(?:B\d{2})?)\s*(?:BTW|VAT|TVA)",
    re.IGNORECASE,
)
THRESHOLDS = {
    "issuer": 0.9, "invoice_number": 0.85, "date": 0.85, "amount": 0.85, "amount_untaxed": 0.85,
    "currency": 0.8, "vat": 0.8, "iban": 0.8,
}
COMPANY_SUFFIX = re.compile(r"\b(B\.?V\.?|N\.?V\.?|GmbH|AG|S\.?A\.?S?|SARL|Ltd\.?|LLC|Inc\.?|S\.?p\.?A\.?|sp\.\s*z\s*o\.?\s*o\.?|spółka\s+akcyjna|Limited|Corp\.?)\b", re.IGNORECASE)


def _result(name, candidates, extra_confidence=1.0, method="rule") -> FieldResult | None:
    chosen, confidence = best(candidates)
    if chosen is None:
        return None
    return FieldResult(
        name=name, value=chosen.value, raw=chosen.text, confidence=confidence * extra_confidence,
        evidence=[chosen.span], method=method,
        candidates=[{"value": c.value, "score": round(c.score, 3)} for c in candidates[:5]],
    )


def _issuer(doc: DocText) -> list[Candidate]:
    candidates = []
    offset = 0
    for index, line in enumerate(doc.text.split("\n")):
        stripped = line.strip()
        if stripped and COMPANY_SUFFIX.search(stripped) and len(stripped) < 80:
            start = offset + line.index(stripped)
            # Nearer the top of the document is likelier the issuer's letterhead.
            score = 0.7 if index < 15 else 0.4
            candidates.append(Candidate(stripped, stripped, doc.span(start, start + len(stripped)), score, "company suffix"))
        offset += len(line) + 1
    return candidates


def extract(doc: DocText, runtime=None) -> dict[str, FieldResult]:
    fields: dict[str, FieldResult] = {}
    found = {
        "invoice_number": labelled_candidates(doc, LABELS["invoice_number"], NUMBER, lambda s: s.strip() if re.search(r"\d", s) else None),
        "date": labelled_candidates(doc, LABELS["date"], DATE, normalize_date),
        "amount": labelled_candidates(doc, LABELS["amount"], AMOUNT, normalize_amount),
        "amount_untaxed": labelled_candidates(doc, LABELS["amount_untaxed"], AMOUNT, normalize_amount),
        "issuer": _issuer(doc),
    }
    # Totals appear several times (summary, payment slip): the largest labelled total is the amount due.
    if found["amount"]:
        top = max(float(c.value) for c in found["amount"])
        for candidate in found["amount"]:
            candidate.score *= 1.0 if float(candidate.value) == top else 0.5
    for name, candidates in found.items():
        result = _result(name, candidates, extra_confidence=0.9)
        if result is not None:
            fields[name] = result

    currencies = [
        Candidate(normalize_currency(m.group(1)), m.group(1), doc.span(m.start(1), m.end(1)), 0.6, "currency sign")
        for m in CURRENCY_RE.finditer(doc.text)
        if normalize_currency(m.group(1))
    ]
    if currencies:
        fields["currency"] = _result("currency", currencies)

    ibans = [
        Candidate(re.sub(r"\s", "", m.group(1)), m.group(1), doc.span(m.start(1), m.end(1)), 0.9, "IBAN format")
        for m in IBAN_RE.finditer(doc.text)
    ]
    from extraction.validation.validators import iban as iban_ok, vat_id as vat_ok

    ibans = [c for c in ibans if iban_ok(c.value)[0]]
    if ibans:
        fields["iban"] = _result("iban", ibans)
    vats = []
    for m in VAT_RE.finditer(doc.text):
        group = 1 if m.group(1) else 2
        raw = m.group(group).strip()
        value = re.sub(r"[\s.\-]", "", raw)
        if vat_ok(value)[0] and value not in {c.value for c in ibans}:
            vats.append(Candidate(value, raw, doc.span(m.start(group), m.start(group) + len(raw)), 0.8, "VAT label"))
    if vats:
        fields["vat"] = _result("vat", vats)
    return fields
