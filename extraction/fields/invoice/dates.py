"""The invoice's issue and due dates: dates by pattern, chosen by their labels."""
from __future__ import annotations

import re
from collections import Counter

from extraction.evidence import DocText
from extraction.fields.normalize import make_date, MONTHS
from extraction.fields.result import FieldResult, ValidatorResult
from extraction.fields.invoice.amounts import candidates_of
from extraction.fields.invoice.lines import Line, line_at, rounded


_EXTRA_MONTHS = {
    "stycznia": 1, "styczeń": 1, "lutego": 2, "luty": 2, "marca": 3, "marzec": 3, "kwietnia": 4, "kwiecień": 4,
    "maja": 5, "maj": 5, "czerwca": 6, "czerwiec": 6, "lipca": 7, "lipiec": 7, "sierpnia": 8, "sierpień": 8,
    "września": 9, "wrzesień": 9, "października": 10, "październik": 10, "listopada": 11, "listopad": 11,
    "grudnia": 12, "grudzień": 12, "févr": 2, "janv": 1, "avr": 4, "juil": 7, "déc": 12, "mrt": 3, "okt": 10,
}
_ALL_MONTHS = {**MONTHS, **_EXTRA_MONTHS}
_MON = "|".join(sorted((re.escape(m) for m in _ALL_MONTHS), key=len, reverse=True))
DATE_RE = re.compile(
    r"(?<![\d])(?:"
    r"(?P<Y>\d{4})[-/.](?P<M>\d{1,2})[-/.](?P<D>\d{1,2})"
    r"|(?P<a>\d{1,2})\s?(?P<s>[-/.])\s?(?P<b>\d{1,2})\s?(?P=s)\s?(?P<y>\d{4}|\d{2})"
    r"|(?P<d1>\d{1,2})(?:st|nd|rd|th|er)?\.?\s*(?P<m1>" + _MON + r")\.?,?\s*(?P<y1>\d{4})"
    r"|(?P<m2>" + _MON + r")\.?\s*(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(?P<y2>\d{4})"
    r")(?![\d])", re.I)

DATE_STRONG = re.compile(
    r"invoice\s*date|date\s*of\s*(?:issue|invoice)|issue\s*date|issued\s*(?:on)?|date\s*d['’]?\s*[ée]mission|"
    r"date\s*de\s*(?:la\s*)?facture|factuurdatum|factuur\s*datum|rechnungsdatum|datum\s*der\s*rechnung|"
    r"data\s*wystawienia|data\s*faktury|billing\s*date|bill\s*date|rechnung\s*vom|facture\s*n\S*\s*\S+\s*du", re.I)
DATE_PLAIN = re.compile(r"\bdate\b|\bdatum\b|\bdata\b|\bdated\b", re.I)
DATE_NEG = re.compile(
    r"due|[ée]ch[ée]ance|vervaldatum|f[äa]llig|zahlungsziel|termin|order|bestel|commande|deliver|livraison|levering|"
    r"liefer|ship|check\s*-?\s*(?:in|out)|period|p[ée]riode|periode|zeitraum|limite|pr[ée]l[èe]vement|expir|valid|"
    r"sprzeda[żz]y|dostaw|payment|paiement|betaling|birth|naissance|geboren|from|\bto\b|\bau\b|\btot\b|\bbis\b", re.I)


def _date_value(m: re.Match, month_first: bool | None):
    g = m.groupdict()
    if g["Y"]:
        return make_date(int(g["Y"]), int(g["M"]), int(g["D"]))
    if g["a"]:
        a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
        if month_first:
            return make_date(y, a, b) or make_date(y, b, a)
        return make_date(y, b, a) or make_date(y, a, b)
    if g["d1"]:
        return make_date(int(g["y1"]), _ALL_MONTHS[g["m1"].lower()], int(g["d1"]))
    return make_date(int(g["y2"]), _ALL_MONTHS[g["m2"].lower()], int(g["d2"]))


def extract_dates(doc: DocText, lines: list[Line], currency: str | None) -> FieldResult | None:
    matches = [m for m in DATE_RE.finditer(doc.text)]
    if not matches:
        return None
    # the document's own day/month order: a numeric date with a part over 12 tells it
    order = Counter()
    for m in matches:
        if m.group("a"):
            a, b = int(m.group("a")), int(m.group("b"))
            if a > 12 >= b:
                order["dmy"] += 1
            elif b > 12 >= a:
                order["mdy"] += 1
    month_first = order["mdy"] > order["dmy"] or (not order and currency == "USD")
    cands = []
    text = doc.text
    for m in matches:
        value = _date_value(m, month_first)
        if value is None or value.year < 1990:
            continue
        line = line_at(lines, m.start())
        if line is None:
            continue
        left = line.text[: m.start() - line.start]
        right = line.text[m.end() - line.start:]
        left_near = left[-45:]
        prev = lines[line.index - 1].text if line.index else ""
        score, cue = 0.3, "date pattern"
        label = ""
        # the label on its left, glued on its right ("20-10-2015Invoice Date:"), or on the line above
        if re.search(r"[A-Za-zÀ-ž]{2,}", left_near):
            label = left_near
        elif re.match(r"\s*[A-Za-zÀ-ž]", right) and re.search(r":\s*$", right[:40]) or re.match(r"\s*[A-Za-zÀ-ž ]{3,30}:?\s*$", right):
            label = right[:40]
        elif prev and not DATE_RE.search(prev) and len(prev) < 50:
            label = prev
        if label:
            if DATE_STRONG.search(label):
                score, cue = 0.9, "invoice date label"
            elif DATE_NEG.search(label):
                score, cue = 0.1, "other date label"
            elif DATE_PLAIN.search(label):
                score, cue = 0.65, "date label"
        if DATE_NEG.search(right[:25]) and score < 0.9:
            score, cue = min(score, 0.15), "date range or other date"
        if re.match(r"\s*(?:-|–|au|to|tot|bis|do)\s*\d", right):
            score, cue = 0.1, "start of a period"
        if re.search(r"(?:-|–|\bau|\bto|\btot|\bbis)\s*$", left) and score < 0.9:
            score, cue = 0.1, "end of a period"
        cands.append((value.isoformat(), score, cue, m))
    if not cands:
        return None
    # a label in a column of labels whose values follow in order: a strong label with no date beside it
    support: dict[str, float] = {}
    for value, score, _, _ in cands:
        support[value] = support.get(value, 0.0) + score
    if not any(s >= 0.65 for _, s, _, _ in cands):
        # no label beside any date: an invoice-date label anywhere and the earliest unlabelled date
        strong_anywhere = DATE_STRONG.search(text)
        for i, (value, score, cue, m) in enumerate(cands):
            if score >= 0.3 and strong_anywhere:
                cands[i] = (value, 0.5, "invoice date label in the document", m)
                support[value] = support.get(value, 0.0) + 0.2
                break
    best = max(cands, key=lambda c: (c[1], support[c[0]], -c[3].start()))
    value, score, cue, m = best
    rivals = {v for v, s, _, _ in cands if v != value and s >= score - 0.05 and s >= 0.5}
    confidence = score
    same = [c for c in cands if c[0] == value]
    if score >= 0.9 and len(same) > 1:
        confidence = 0.95
    elif score >= 0.65 and not rivals and not any(s >= 0.5 for v, s, _, _ in cands if v != value):
        confidence = 0.86  # the only labelled date
    if rivals:
        confidence -= 0.3
    spans = [doc.span(c[3].start(), c[3].end()) for c in same][:4]
    return FieldResult("date", value, rounded(confidence), spans, "rule", m.group().strip(),
                       [ValidatorResult("real_calendar_date", True, value)],
                       candidates=candidates_of([(v, s) for v, s, _, _ in cands]))
