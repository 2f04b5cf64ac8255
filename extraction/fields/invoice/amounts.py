"""Money on an invoice: every amount with its label, and the net, tax and total amounts chosen among them."""
from __future__ import annotations

import re
from decimal import Decimal

from extraction.evidence import DocText
from extraction.fields.result import FieldResult, ValidatorResult
from extraction.fields.invoice.lines import Line, rounded


_CUR = r"(?:EUR|USD|GBP|PLN|INR|CHF|SEK|NOK|DKK|CZK|HUF|CAD|AUD|Rs\.?|€|\$|£|₹|zł)"
MONEY_RE = re.compile(
    r"(?<![\d.,])(?P<neg>-\s?)?(?P<num>\d{1,3}(?P<sep>[.,'])\d{3}(?:(?P=sep)\d{3})*[.,]\d{2}|\d+[.,]\d{2})(?![\d])"
)
INT_MONEY_RE = re.compile(rf"(?:(?<![A-Za-z]){_CUR})\s?(?P<num>\d+)(?![\d.,]\d)")
GLUED_RE = re.compile(r"(?<![\d.,])(?:\d+[.,]\d{2}){2,}(?![\d])")


class Money:
    __slots__ = ("value", "start", "end", "line", "kind", "label", "text")

    def __init__(self, value, start, end, line, text):
        self.value, self.start, self.end, self.line, self.text = value, start, end, line, text
        self.kind, self.label = None, ""


def _to_decimal(num: str) -> Decimal:
    s = num.replace("'", "")
    if "," in s and "." in s:
        s = s.replace(",", "") if s.rfind(".") > s.rfind(",") else s.replace(".", "").replace(",", ".")
    elif "," in s:
        head, _, tail = s.rpartition(",")
        s = head.replace(",", "") + "." + tail if len(tail) == 2 else s.replace(",", "")
    elif s.count(".") > 1:
        head, _, tail = s.rpartition(".")
        s = head.replace(".", "") + "." + tail
    return Decimal(s).quantize(Decimal("0.01"))


def extract_money(doc: DocText, lines: list[Line]) -> list[Money]:
    out: list[Money] = []
    text = doc.text
    for line in lines:
        taken: list[tuple[int, int]] = []
        for m in GLUED_RE.finditer(line.text):
            if MONEY_RE.fullmatch(m.group()):
                continue  # "4.904,94" is one amount
            # columns printed without spaces: "29.995.0024.99" is 29.99, 5.00, 24.99
            base = line.start + m.start()
            for part in re.finditer(r"\d+?[.,]\d{2}", m.group()):
                out.append(Money(_to_decimal(part.group()), base + part.start(), base + part.end(), line, part.group()))
            taken.append((m.start(), m.end()))
        for m in MONEY_RE.finditer(line.text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            value = _to_decimal(m.group("num"))
            if m.group("neg"):
                value = -value
            s, e = line.start + m.start("num"), line.start + m.end("num")
            out.append(Money(value, s, e, line, text[s:e]))
            taken.append((m.start(), m.end()))
        for m in INT_MONEY_RE.finditer(line.text):
            if any(s <= m.start("num") < e for s, e in taken):
                continue
            s, e = line.start + m.start("num"), line.start + m.end("num")
            out.append(Money(Decimal(m.group("num")).quantize(Decimal("0.01")), s, e, line, text[s:e]))
    out.sort(key=lambda x: x.start)
    return out


# Which amount a label names. Checked in this order: the first that matches decides.
MONEY_LABELS = [
    ("total", re.compile(
        r"\bTTC\b|incl(?:\.|usive|uding|usief)?\s*(?:of\s*)?(?:vat|tax|btw|mwst|tva|gst)|brutto|"
        r"grand\s*total|total\s*(?:amount\s*)?(?:due|to\s*pay|payable)|amount\s*(?:due|payable)|balance\s*due|"
        r"[àa]\s*payer|montant\s*total|gesamtbetrag|rechnungsbetrag|endbetrag|zu\s*zahlen|te\s*betalen|"
        r"totaalbedrag|do\s*zap[łl]aty|nale[żz]no[śs][ćc]|total\s*for\s*this\s*invoice|invoice\s*total|"
        r"factuur\s*totaal|total\s*facture|total\s*invoice", re.I)),
    ("untaxed", re.compile(
        r"sub\s*-?\s*tota(?:a)?l|\bHT\b|hors\s*tax|excl(?:\.|usive|uding|usief)?\s*(?:of\s*)?(?:vat|tax|btw|mwst|tva|gst)|"
        r"\bnett?o\b|net\s*(?:amount|total)|total\s*net|nettobetrag|zwischensumme|before\s*tax|grondslag|"
        r"base\s*(?:imposable|ht)|ohne\s*mwst|bez\s*vat|warto[śs][ćc]\s*netto|taxable\s*(?:amount|value)", re.I)),
    ("tax", re.compile(
        r"\bvat\b|\btax\b|\btva\b|\bbtw\b|\bmwst\b|\bust\b|\bgst\b|\bcgst\b|\bsgst\b|\bigst\b|\bcst\b|"
        r"kwota\s*vat|steuer", re.I)),
    ("other", re.compile(
        r"\bpaid\b|payment|credit|discount|rabais|remise|korting|rabatt|rabat|deposit|acompte|anzahlung|change|"
        r"shipping|frais|versand|verzend|\bbalance\b|unit\s*price|prix\s*unitaire|p\.\s*u\.|per\s*stuk|einzelpreis|"
        r"\bprice\b|\brate\b|\bcena\b|\bprijs\b", re.I)),
    ("total", re.compile(r"\btotal\b|\btotaal\b|\bsumme\b|\bsuma\b|\brazem\b|\bsomme\b|\bmontant\b|\bbedrag\b|\bamount\b", re.I)),
]
PERCENT_RE = re.compile(r"(\d{1,2}(?:[.,]\d{1,2})?)\s?%")


def _label_kind(text: str) -> str | None:
    for kind, pattern in MONEY_LABELS:
        if pattern.search(text):
            return kind
    return None


def label_money(items: list[Money], lines: list[Line]) -> None:
    """Name each amount from the words beside it: left on its line, right on its line, or the line above."""
    by_line: dict[int, list[Money]] = {}
    for item in items:
        by_line.setdefault(item.line.index, []).append(item)
    for index, group in by_line.items():
        line = lines[index]
        first = group[0]
        left = line.text[: first.start - line.start]
        right = line.text[group[-1].end - line.start:]
        left_words = re.sub(rf"{_CUR}|[\d%.,:*()\-]", " ", left, flags=re.I)
        right_words = re.sub(rf"{_CUR}|[\d%.,:*()\-]", " ", right, flags=re.I)
        label = ""
        if re.search(r"[A-Za-zÀ-ž]{2,}", left_words):
            label = left
        elif re.search(r"[A-Za-zÀ-ž]{2,}", right_words):
            label = right  # "29.99 € TTC", "993548900Factuurnummer"
        else:
            # the label on the line above ("Total" / "$ 279.84"), skipping currency-only lines
            for j in range(index - 1, max(-1, index - 3), -1):
                prev = lines[j].text
                if re.fullmatch(rf"[\s:]*{_CUR}?[\s:]*", prev, re.I):
                    continue
                if j not in by_line and len(prev) < 50:
                    label = prev
                break
        kind = _label_kind(label) if label else None
        # a row of amounts under one label: the label names the last (the row's total column)
        for k, item in enumerate(group):
            if len(group) > 1 and label is left and k < len(group) - 1:
                # between two amounts the words name the next one ("Subtotaal € 717,97Exclusief BTW € 593,36")
                between = line.text[item.end - line.start: group[k + 1].start - line.start]
                if re.search(r"[A-Za-zÀ-ž]{3,}", re.sub(rf"{_CUR}", " ", between, flags=re.I)):
                    group[k + 1].label = between
                    group[k + 1].kind = _label_kind(between)
                item.label = item.label or label
                item.kind = item.kind or ("row" if kind in ("total", "untaxed") else kind)
                if k == 0:
                    item.kind, item.label = kind, label
            elif not item.label:
                item.label, item.kind = label, kind


def amounts_in(doc: DocText, lines: list[Line], items: list[Money]):
    results: dict[str, FieldResult] = {}
    positive = [m for m in items if m.value > 0]
    if not positive:
        return results
    totals = [m for m in positive if m.kind == "total"]
    values = {m.value for m in positive}
    taxes = [m for m in items if m.kind == "tax" and m.value >= 0]
    untaxed = [m for m in positive if m.kind == "untaxed"]
    rates = {Decimal(r.replace(",", ".")) for r in PERCENT_RE.findall(doc.text)} | {
        Decimal(x) for x in ("5", "6", "7", "8", "9", "10", "12", "13", "14", "14.5", "15", "16", "18", "19", "20", "21", "22", "23", "24", "25", "27")}

    def split(total: Decimal):
        """(untaxed, tax, how) pairs written in the document that add up to ``total``."""
        found = []
        for t in taxes:
            u = total - t.value
            if u > 0 and u in values and u != total:
                found.append((u, t.value, "tax label"))
            if t.value == 0:
                found.append((total, t.value, "zero tax"))
        for u in values:
            t = total - u
            if 0 < t < u and t in values and any(abs(t / u * 100 - r) <= Decimal("0.6") for r in rates):
                found.append((u, t, "VAT rate"))
        return found

    if totals:
        top = max(m.value for m in totals)
        pick = [m for m in totals if m.value == top]
        confidence = 0.7
        cues = ["labelled total"]
    else:
        top = max(m.value for m in positive)
        pick = [m for m in positive if m.value == top]
        confidence = 0.35
        cues = ["largest amount"]
    pairs = split(top)
    if pairs:
        confidence += 0.2
        cues.append("untaxed + tax = total")
    if len(pick) + sum(1 for m in positive if m.value == top and m not in pick) >= 2:
        confidence += 0.08
        cues.append("written more than once")
    larger = [m for m in positive if m.value > top and m.kind not in ("other",)]
    if larger:
        confidence -= 0.2
    other_totals = {m.value for m in totals if m.value != top}
    if totals and other_totals and not pairs:
        confidence -= 0.1
    occurrences = [m for m in positive if m.value == top]
    value = str(top)
    results["amount"] = FieldResult(
        "amount", value, rounded(min(confidence, 0.97)), [doc.span(m.start, m.end) for m in occurrences[:4]], "rule",
        pick[-1].text, [ValidatorResult("positive", top > 0, value)],
        candidates=candidates_of([(str(m.value), 0.8 if m.kind == "total" else 0.3) for m in positive]),
    )

    # untaxed: a labelled one that adds up with a tax, else a labelled one, else the arithmetic split
    labelled = {m.value for m in untaxed if m.value <= top}
    agreeing = [(u, t, how) for u, t, how in pairs if u in labelled or how == "zero tax"]
    chosen = None
    if agreeing:
        chosen, conf = agreeing[0][0], 0.93
    elif pairs:
        # no label beside it, or labels disagree: the split with a tax amount labelled as tax first
        pairs.sort(key=lambda p: (p[2] != "tax label", -p[0]))
        chosen, conf = pairs[0][0], 0.75 if pairs[0][2] == "tax label" else 0.7
    elif labelled:
        chosen = max(labelled)
        conf = 0.6 if len(labelled) == 1 else 0.5
    if chosen is not None:
        spans = [doc.span(m.start, m.end) for m in positive if m.value == chosen][:4]
        if not spans:  # zero tax: the untaxed amount is the total itself
            spans = results["amount"].evidence
        results["amount_untaxed"] = FieldResult(
            "amount_untaxed", str(chosen), rounded(conf), spans, "rule", str(chosen),
            [ValidatorResult("not_above_total", chosen <= top, f"{chosen} <= {top}")],
            candidates=candidates_of([(str(u), 0.8) for u, _, _ in pairs] + [(str(v), 0.6) for v in labelled]),
        )
    return results


def candidates_of(pairs: list[tuple[str, float]], n: int = 5) -> list[dict]:
    best: dict[str, float] = {}
    for value, score in pairs:
        best[value] = max(score, best.get(value, 0.0))
    return [{"value": v, "score": round(s, 3)} for v, s in sorted(best.items(), key=lambda kv: -kv[1])[:n]]
