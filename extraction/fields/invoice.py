"""Invoice fields from labelled values in several languages (English, French, Dutch, German, Polish).

Labels, layouts and identifiers are cues, never memorised vendors: every value is a string
found in the text (next to a label in any of the languages, before or after it since PDF text
layers swap right-aligned columns, or matched by its own format: IBAN, VAT id, amounts), and
points to where it stands.

How each field is chosen:

- ``amount``: the largest amount labelled as a total to pay (TTC, incl. VAT, brutto, grand
  total, ...); confirmed when an untaxed amount plus a tax amount written in the document add up
  to it, or when it is written several times.
- ``amount_untaxed``: the amount labelled HT / excl. VAT / netto / subtotal, or the amount that
  with a tax amount at a plausible VAT rate adds up to the total (tables without labels).
- ``date``: the date next to an invoice-date label, over due, order, delivery and period dates.
- ``invoice_number``: the token next to an invoice-number label (customer, order and account
  numbers are not it).
- ``currency``: the dominant ISO code or symbol.
- ``vat``: a valid VAT id next to a VAT label, not in the customer's block ("your VAT number").
- ``issuer``: the seller's name from several cues that vote: a "sold by / seller / from" block,
  the letterhead or footer line with a legal form, the account holder, the line beside the VAT
  id or IBAN, and the name the website or e-mail domain spells. The form written most often wins.

Confidence is high only when independent cues agree and validators pass.
"""
from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from extraction.doctypes.registry import default_registry
from extraction.evidence import DocText
from extraction.fields.normalize import MONTHS, make_date, normalize_currency
from extraction.fields.result import FieldResult, ValidatorResult, decide
from extraction.validation.validators import iban as iban_ok, vat_id as vat_ok

# The thresholds are the type's (x-threshold in extraction/doctypes/default_types.json): one place.
THRESHOLDS = default_registry()["invoice"].thresholds_by_field()

# --------------------------------------------------------------------------- lines


class _Line:
    __slots__ = ("index", "start", "end", "text")

    def __init__(self, index, start, end, text):
        self.index, self.start, self.end, self.text = index, start, end, text


def _lines(doc: DocText) -> list[_Line]:
    out = []
    for m in re.finditer(r"[^\n]+", doc.text):
        raw = m.group()
        stripped = raw.strip()
        if stripped:
            start = m.start() + len(raw) - len(raw.lstrip())
            out.append(_Line(len(out), start, start + len(stripped), stripped))
    return out


def _line_at(lines: list[_Line], offset: int) -> _Line | None:
    lo, hi = 0, len(lines) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if lines[mid].end < offset:
            lo = mid + 1
        elif lines[mid].start > offset:
            hi = mid - 1
        else:
            return lines[mid]
    return None


def _round(x: float) -> float:
    return round(max(0.0, min(1.0, x)), 4)


# --------------------------------------------------------------------------- customer blocks

CUSTOMER_LABEL = re.compile(
    r"bill(?:ed)?\s*to|ship(?:ped)?\s*to|sold\s*to|invoice\s*to|deliver(?:y|ed)?\s*(?:to|address)|billing\s*address|"
    r"shipping\s*address|customer|client\b|buyer|\battn\b|nabywca|odbiorca|factuuradres|afleveradres|"
    r"factur[ée]\s*[àa]|adresse\s*de\s*(?:facturation|livraison)|rechnungsempf[äa]nger|lieferadresse|kunde\b|"
    r"käufer|\bklant\b|\bt\.?\s?a\.?\s?v\b|z\.?\s?hd\.?|[àa]\s*l['’]attention|\bto\s*:|\bguest\b",
    re.I)
# "your VAT number", "Uw BTW nummer": the customer's, on that line only
POSSESSIVE = re.compile(r"\buw\b|\byour\b|\bvotre\b|\bihre?\b|\btwój\b|\bnabywc", re.I)


ATTENTION = re.compile(r"\battn\b|\bt\.?\s?a\.?\s?v\b|z\.?\s?hd\.?|[àa]\s*l['’]attention|\battention\b", re.I)


def _customer_lines(lines: list[_Line]) -> set[int]:
    """Lines of blocks introduced by a customer label (the label's line and up to 4 after)."""
    out: set[int] = set()
    for line in lines:
        if CUSTOMER_LABEL.search(line.text) and not SELLER_LABEL.search(line.text):
            if ATTENTION.search(line.text) and line.index > 0:
                out.add(line.index - 1)  # "Strategic Corp" / "T.a.v. bosd": the name above is the addressee's
            for j in range(line.index, min(len(lines), line.index + 5)):
                if j > line.index and (SELLER_LABEL.search(lines[j].text)):
                    break
                out.add(j)
    return out


# --------------------------------------------------------------------------- money

_CUR = r"(?:EUR|USD|GBP|PLN|INR|CHF|SEK|NOK|DKK|CZK|HUF|CAD|AUD|Rs\.?|€|\$|£|₹|zł)"
MONEY_RE = re.compile(
    r"(?<![\d.,])(?P<neg>-\s?)?(?P<num>\d{1,3}(?P<sep>[.,'])\d{3}(?:(?P=sep)\d{3})*[.,]\d{2}|\d+[.,]\d{2})(?![\d])"
)
INT_MONEY_RE = re.compile(rf"(?:(?<![A-Za-z]){_CUR})\s?(?P<num>\d+)(?![\d.,]\d)")
GLUED_RE = re.compile(r"(?<![\d.,])(?:\d+[.,]\d{2}){2,}(?![\d])")


class _Money:
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


def _money(doc: DocText, lines: list[_Line]) -> list[_Money]:
    out: list[_Money] = []
    text = doc.text
    for line in lines:
        taken: list[tuple[int, int]] = []
        for m in GLUED_RE.finditer(line.text):
            if MONEY_RE.fullmatch(m.group()):
                continue  # "4.904,94" is one amount
            # columns printed without spaces: "29.995.0024.99" is 29.99, 5.00, 24.99
            base = line.start + m.start()
            for part in re.finditer(r"\d+?[.,]\d{2}", m.group()):
                out.append(_Money(_to_decimal(part.group()), base + part.start(), base + part.end(), line, part.group()))
            taken.append((m.start(), m.end()))
        for m in MONEY_RE.finditer(line.text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            value = _to_decimal(m.group("num"))
            if m.group("neg"):
                value = -value
            s, e = line.start + m.start("num"), line.start + m.end("num")
            out.append(_Money(value, s, e, line, text[s:e]))
            taken.append((m.start(), m.end()))
        for m in INT_MONEY_RE.finditer(line.text):
            if any(s <= m.start("num") < e for s, e in taken):
                continue
            s, e = line.start + m.start("num"), line.start + m.end("num")
            out.append(_Money(Decimal(m.group("num")).quantize(Decimal("0.01")), s, e, line, text[s:e]))
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


def _label_money(items: list[_Money], lines: list[_Line]) -> None:
    """Name each amount from the words beside it: left on its line, right on its line, or the line above."""
    by_line: dict[int, list[_Money]] = {}
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


def _amounts(doc: DocText, lines: list[_Line], items: list[_Money]):
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
        "amount", value, _round(min(confidence, 0.97)), [doc.span(m.start, m.end) for m in occurrences[:4]], "rule",
        pick[-1].text, [ValidatorResult("positive", top > 0, value)],
        candidates=_cands([(str(m.value), 0.8 if m.kind == "total" else 0.3) for m in positive]),
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
            "amount_untaxed", str(chosen), _round(conf), spans, "rule", str(chosen),
            [ValidatorResult("not_above_total", chosen <= top, f"{chosen} <= {top}")],
            candidates=_cands([(str(u), 0.8) for u, _, _ in pairs] + [(str(v), 0.6) for v in labelled]),
        )
    return results


def _cands(pairs: list[tuple[str, float]], n: int = 5) -> list[dict]:
    best: dict[str, float] = {}
    for value, score in pairs:
        best[value] = max(score, best.get(value, 0.0))
    return [{"value": v, "score": round(s, 3)} for v, s in sorted(best.items(), key=lambda kv: -kv[1])[:n]]


# --------------------------------------------------------------------------- currency

CURRENCY_RE = re.compile(
    r"(?<![A-Za-z])(EUR|USD|GBP|PLN|INR|CHF|SEK|NOK|DKK|CZK|HUF|CAD|AUD|JPY|CNY|MYR|SGD|HKD)(?![A-Za-z])|"
    r"(€|\$|£|₹|zł)|(?<![A-Za-z])(Rs)\.?(?=\s?-?\s?\d)|\b(US\s*Dollars?|euros?|z[łl]otych)\b", re.I)
WORD_CURRENCY = {"rs": "INR", "us dollar": "USD", "us dollars": "USD", "euro": "EUR", "euros": "EUR", "złotych": "PLN", "zlotych": "PLN"}


def _currency(doc: DocText) -> FieldResult | None:
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
    return FieldResult("currency", value, _round(confidence), spans[value][:4], "rule", value,
                       candidates=[{"value": v, "score": round(c / sum(counts.values()), 3)} for v, c in ranked[:5]])


# --------------------------------------------------------------------------- dates

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


def _dates(doc: DocText, lines: list[_Line], currency: str | None) -> FieldResult | None:
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
        line = _line_at(lines, m.start())
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
    return FieldResult("date", value, _round(confidence), spans, "rule", m.group().strip(),
                       [ValidatorResult("real_calendar_date", True, value)],
                       candidates=_cands([(v, s) for v, s, _, _ in cands]))


# --------------------------------------------------------------------------- invoice number

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


def _invoice_number(doc: DocText, lines: list[_Line]) -> FieldResult | None:
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
    return FieldResult("invoice_number", best[0], _round(confidence), [doc.span(c[3], c[4]) for c in same][:4],
                       "rule", best[5], candidates=_cands([(c[0], c[1]) for c in cands]))


# --------------------------------------------------------------------------- VAT id and IBAN

VAT_LABEL = re.compile(
    r"(?<![A-Za-z])(?:VAT|TVA|BTW|USt|UStId|USt-?IdNr|MwSt|NIP|GSTIN|IVA|NIF|CIF|UID|TIN|Tax\s*ID)(?![A-Za-z])", re.I)
VAT_VALUE = re.compile(r"(?<![A-Z0-9])((?:[A-Z]{2}\s?)?\d[\dA-Z\s.\-]{6,17}[\dA-Z])(?![A-Z0-9])")
IBAN_RE = re.compile(r"\b([A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30})")


def _vat(doc: DocText, lines: list[_Line], customer: set[int], ibans: set[str]):
    text = doc.text
    cands = []
    for m in VAT_LABEL.finditer(text):
        line = _line_at(lines, m.start())
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
    return FieldResult("vat", best[0], _round(confidence), [doc.span(best[2], best[3])], "rule", best[4],
                       [ValidatorResult("vat_id", True, best[0])],
                       candidates=_cands([(c[0], c[1]) for c in cands]))


def _iban(doc: DocText):
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


# --------------------------------------------------------------------------- issuer

LEGAL_FORM = re.compile(
    r"(?<![\w])(?:B\.\s?V\.?|BV|N\.\s?V\.?|NV|GmbH(?:\s*&\s*Co\.?\s*KG)?|AG|KG|OHG|UG|e\.\s?K\.|S\.\s?A\.\s?S\.?|SAS|SASU|SARL|S\.\s?A\.\s?R\.\s?L\.|"
    r"EURL|S\.\s?A\.?|SA|SNC|Ltd\.?|Limited|LLC|L\.L\.C\.|LLP|PLC|Inc\.?|Incorporated|Corp\.?|Corporation|Co\.,?\s*Ltd\.?|"
    r"Pvt\.?\s*Ltd\.?|Private\s+Limited|Pty\.?\s*Ltd\.?|S\.\s?p\.\s?A\.?|S\.\s?r\.\s?l\.?|SRL|BVBA|VOF|CV|"
    r"sp\.\s?z\s?o\.\s?o\.?|spółka\s+(?:akcyjna|z\s+ograniczoną\s+odpowiedzialnością|jawna)|S\.\s?C\.?)(?![\w])")
SELLER_LABEL = re.compile(
    r"\bsold\s*by\b|(?:^|(?<=\n))\s*(?:from|seller|supplier|vendor|service\s*provider|issued\s*by|sprzedawca|wystawca|dostawca|"
    r"verk[äa]ufer|lieferant|rechnungssteller|vendeur|fournisseur|[ée]metteur|leverancier|verkoper|afzender|absender|"
    r"exp[ée]diteur)\b\s*:?|\b(?:seller|supplier|vendor|service\s*provider|sprzedawca|wystawca|verk[äa]ufer|lieferant|"
    r"vendeur|fournisseur|leverancier|verkoper)\s*:",
    re.I)
HOLDER_LABEL = re.compile(
    r"titulaire\s*du\s*compte|account\s*(?:holder|name)|beneficiary|rekeninghouder|ten\s*name\s*van|kontoinhaber|"
    r"empf[äa]nger|odbiorca\s*p[łl]atno[śs]ci|in\s*fav(?:ou)?r\s*of|payable\s*to|cheques?\s*(?:payable\s*)?to", re.I)
FOOTER_LEGAL = re.compile(
    r"au\s*capital|capital\s*social|RCS|SIRET|SIREN|registered\s*(?:office|in)|company\s*(?:no|number|reg)|"
    r"KvK|handelsregister|registergericht|HRB|amtsgericht|KRS|REGON|CIN\b|siège|sitz|zetel", re.I)
NOT_NAME = re.compile(
    r"@|www\.|https?:|\btel\b|\bfax\b|phone|iban|bic|swift|invoice|facture|factuur|rechnung|faktura|receipt|"
    r"\bpage\b|\bseite\b|total|date|datum|\d{4,}", re.I)
FREE_MAIL = {"gmail", "yahoo", "hotmail", "outlook", "live", "icloud", "gmx", "web", "orange", "wanadoo", "free", "example", "fake"}
DOMAIN_RE = re.compile(r"(?:www\.|https?://|@)((?:[a-z0-9\-]+\.)+[a-z]{2,})", re.I)


def _clean_name(text: str) -> str:
    labelled = re.match(r"^[A-Za-zÀ-ž .]{2,25}:\s*(\S.*)$", text.strip())
    if labelled:
        text = labelled.group(1)  # "Sprzedawca: X S.A."
    text = re.split(r"\s[-–−|•]\s|\s{3,}|\t", text.strip())[0]
    text = re.split(r"\s+(?:au\s+capital|capital|RCS|SIRET|siège|registered|Sitz|KRS|NIP|VAT|TVA|BTW)\b", text, flags=re.I)[0]
    legal = None
    for legal in LEGAL_FORM.finditer(text):
        break
    if legal is not None and legal.start() > 0:
        text = text[: legal.end()]
    text = text.strip(" ,:;-–")
    # ", Inc." written after a comma is a designation appended to the name: the name is before it
    text = re.sub(r",\s*(?:Inc\.?|Incorporated|LLC|L\.L\.C\.|Corp\.?)$", "", text)
    return text.strip(" ,:;-–")


def _name_like(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    if re.fullmatch(r"\(.*\)", text.strip()):
        return False
    return 2 <= letters and len(text) <= 70 and letters >= 0.5 * len(text.replace(" ", "")) and not NOT_NAME.search(text)


def _issuer(doc: DocText, lines: list[_Line], customer: set[int], anchors: list[int]) -> FieldResult | None:
    text = doc.text
    cands: list[tuple[str, float, str, _Line]] = []

    def add(line: _Line, raw: str, score: float, cue: str):
        name = _clean_name(raw)
        if name and _name_like(name) and len(name) >= 2:
            start = text.find(name, line.start)
            cands.append((name, score, cue, line if start >= 0 else line))

    n = len(lines)
    for line in lines:
        t = line.text
        m = SELLER_LABEL.search(t)
        if m and line.index not in customer:
            after = t[m.end():].strip(" :")
            before = t[: m.start()].strip(" :,")
            if after:
                add(line, after, 0.8, "seller label")
            elif before:
                add(line, before, 0.75, "seller label after name")
            elif line.index + 1 < n:
                add(lines[line.index + 1], lines[line.index + 1].text, 0.8, "seller label above")
        m = HOLDER_LABEL.search(t)
        if m:
            after = t[m.end():].strip(" :")
            if after:
                add(line, after, 0.6, "account holder")
            elif line.index + 1 < n:
                nxt = lines[line.index + 1].text
                if line.index + 2 < n and not LEGAL_FORM.search(nxt) and LEGAL_FORM.fullmatch(lines[line.index + 2].text.strip()):
                    nxt = nxt + " " + lines[line.index + 2].text  # "Oravel Stays Pvt." / "Ltd."
                add(lines[line.index + 1], nxt, 0.6, "account holder")
        if line.index in customer:
            continue
        legal = LEGAL_FORM.search(t)
        if legal and (len(t) < 120 or FOOTER_LEGAL.search(t)):
            if line.index < 10:
                add(line, t, 0.6, "letterhead with legal form")
            elif FOOTER_LEGAL.search(t) or line.index >= n - 8:
                add(line, t, 0.55, "footer legal line")
            else:
                add(line, t, 0.35, "legal form")
    # the name a website or e-mail domain spells, as written in the text
    domains = Counter()
    for m in DOMAIN_RE.finditer(text):
        parts = m.group(1).lower().split(".")
        label = parts[-2] if len(parts) >= 2 else parts[0]
        if len(parts) >= 3 and len(parts[-2]) <= 3 and parts[-1] in {"uk", "au", "in", "jp", "nz", "za", "br"}:
            label = parts[-3]
        if label not in FREE_MAIL or "www" in m.group().lower():
            domains[label] += 1
    for label, count in domains.items():
        compact = re.sub(r"[^a-z0-9]", "", label)
        if len(compact) < 3:
            continue
        tokens = [(w.start(), w.end(), w.group()) for w in re.finditer(r"[\wÀ-ž&'.\-]+", text)]
        forms = Counter()
        for i in range(len(tokens)):
            acc = ""
            for k in range(i, min(i + 4, len(tokens))):
                acc += re.sub(r"[^a-z0-9]", "", tokens[k][2].lower())
                if acc == compact:
                    forms[text[tokens[i][0]: tokens[k][1]].strip(".,-")] += 1
                    break
                if not compact.startswith(acc):
                    break
        for form, c in forms.items():
            if "." in form and not LEGAL_FORM.search(form):
                continue  # "flipkart.com" itself
            line = _line_at(lines, text.find(form))
            if line is not None:
                cands.append((form, 0.3 + 0.05 * min(c, 4), "website domain", line))
    if not cands:
        return None
    for cand in list(cands):
        if any(abs(cand[3].index - a) <= 4 for a in anchors) and cand[2] != "website domain":
            cands.append((cand[0], 0.25, "beside the VAT id or IBAN", cand[3]))
    # vote: names that are the same, or one the start of the other, support each other
    def key(name):
        return re.sub(r"[\W_]", "", LEGAL_FORM.sub("", name)).lower()

    groups: dict[str, list] = {}
    for cand in cands:
        k = key(cand[0])
        if not k:
            continue
        home = next((g for g in groups if g.startswith(k) or k.startswith(g)), None)
        groups.setdefault(home or k, []).append(cand)
    scored = []
    for k, members in groups.items():
        cues = {m[2] for m in members}
        score = sum(max(m[1] for m in members if m[2] == cue) for cue in cues)
        scored.append((score, k, members))
    scored.sort(key=lambda s: -s[0])
    score, k, members = scored[0]
    runner = scored[1][0] if len(scored) > 1 else 0.0
    # the name as the strongest cue wrote it; without its legal form when the document mostly writes it so
    strongest = max(members, key=lambda m: (m[1], len(m[0])))
    value = strongest[0]
    legal = LEGAL_FORM.search(value)
    if legal and legal.start() > 0:
        base = value[: legal.start()].rstrip(" ,")
        bare = re.findall(rf"(?<![\w.]){re.escape(base)}(?![\w.@-])(?!\s*,?\s*{LEGAL_FORM.pattern})", text)
        full = re.findall(rf"(?<![\w.]){re.escape(base)}\s*,?\s*{LEGAL_FORM.pattern}", text)
        if len(bare) > len(full):
            value = base
    n_cues = len({m[2] for m in members})
    confidence = min(0.95, 0.45 + 0.15 * n_cues + 0.1 * (score > 1.2)) * (score / (score + runner))
    if any(m[2] == "website domain" for _, _, ms in scored[1:] for m in ms):
        confidence -= 0.2  # the website names someone else (a brand over a legal entity, a marketplace)
    spans = []
    for m in members:
        if m[0] == value:
            at = text.find(value, m[3].start)
            if at >= 0:
                span = doc.span(at, at + len(value))
                if span not in spans:
                    spans.append(span)
    if not spans:
        found = doc.find_all(value)
        spans = found[:1]
    return FieldResult("issuer", value, _round(confidence), spans[:4], "rule", value,
                       candidates=[{"value": max(Counter(x[0] for x in ms), key=Counter(x[0] for x in ms).get),
                                    "score": round(s, 3)} for s, _, ms in scored[:5]])


# --------------------------------------------------------------------------- entry point


def extract(doc: DocText, runtime=None) -> dict[str, FieldResult]:
    fields: dict[str, FieldResult] = {}
    lines = _lines(doc)
    if not lines:
        return fields
    customer = _customer_lines(lines)
    money = _money(doc, lines)
    _label_money(money, lines)
    fields.update(_amounts(doc, lines, money))
    currency = _currency(doc)
    if currency is not None:
        fields["currency"] = currency
    found_date = _dates(doc, lines, currency.value if currency else None)
    if found_date is not None:
        fields["date"] = found_date
    number = _invoice_number(doc, lines)
    if number is not None:
        fields["invoice_number"] = number
    iban, iban_values = _iban(doc)
    if iban is not None:
        fields["iban"] = iban
    vat = _vat(doc, lines, customer, iban_values)
    if vat is not None:
        fields["vat"] = vat
    anchors = []
    for result in (vat, iban):
        if result is not None and result.evidence:
            line = _line_at(lines, doc.global_offset(result.evidence[0]))
            if line is not None:
                anchors.append(line.index)
    issuer = _issuer(doc, lines, customer, anchors)
    if issuer is not None:
        fields["issuer"] = issuer
    for name, result in fields.items():
        decide(result, THRESHOLDS[name])
    return fields
