"""Receipt fields: company, date, address, total.

Evidence first. Every value comes from deterministic candidates found in the page text
(dates by pattern, amounts by pattern next to TOTAL / ROUNDED / NETT cues, the company by
its legal-form suffix, the address as the block of lines under the company), the rules
choose among them, the choice is normalised and grounded with the spans of the lines it
was read from. Nothing is returned that is not written in the text.

Confidence is a rule prior: high only when several independent cues agree (the TOTAL line,
CASH - CHANGE, the amount repeated; a DATE label and a time next to the only date on the
receipt; a company suffix; an address block that ends with a postcode). ``THRESHOLDS``
turns it into a status with :func:`extraction.fields.result.decide`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from extraction.evidence import DocText, Span
from extraction.fields.normalize import MONTHS, _MONTH_RE, make_date, normalize_amount
from extraction.fields.result import Candidate, FieldResult, ValidatorResult, decide

FIELDS = ("company", "date", "address", "total")

THRESHOLDS = {
    "company": 0.85,
    "date": 0.85,
    "address": 0.85,
    "total": 0.85,
}


# --------------------------------------------------------------------------- lines


@dataclass
class Line:
    index: int
    start: int  # global offsets into DocText.text
    end: int
    text: str

    @property
    def upper(self) -> str:
        return self.text.upper()


def split_lines(doc: DocText) -> list[Line]:
    lines = []
    for match in re.finditer(r"[^\n]+", doc.text):
        raw = match.group()
        stripped = raw.strip()
        if not stripped:
            continue
        lead = len(raw) - len(raw.lstrip())
        start = match.start() + lead
        lines.append(Line(len(lines), start, start + len(stripped), stripped))
    return lines


def _span(doc: DocText, start: int, end: int) -> Span:
    return doc.span(start, end)


def _round(x: float) -> float:
    return round(max(0.0, min(1.0, x)), 4)


def _top(candidates: list[tuple[str, float]], n: int = 5) -> list[dict]:
    seen, out = set(), []
    for value, score in sorted(candidates, key=lambda c: -c[1]):
        if value in seen:
            continue
        seen.add(value)
        out.append({"value": value, "score": round(float(score), 4)})
        if len(out) >= n:
            break
    return out


# --------------------------------------------------------------------------- date

_SEP = r"[-/.]"
DATE_RES = [
    # 2018-03-23, 2018/03/23
    ("ymd", re.compile(r"(?<!\d)(?P<y>20\d{2}|19\d{2})\s?(?P<s>[-/.])\s?(?P<m>\d{1,2})\s?(?P=s)\s?(?P<d>\d{1,2})(?!\d)")),
    # 25/12/2018, 12-01-19, 25.12.18
    ("dmy", re.compile(r"(?<![\d.])(?P<d>\d{1,2})\s?(?P<s>[-/.])\s?(?P<m>\d{1,2})\s?(?P=s)\s?(?P<y>\d{4}|\d{2})(?![\d])")),
    # 05 MAR 2018, 05-MAR-18, 5MAR2018
    ("dmony", re.compile(rf"(?<![\dA-Z])(?P<d>\d{{1,2}})(?:ST|ND|RD|TH)?[\s\-/.,]*(?P<mon>{_MONTH_RE})\.?[\s\-/.,']*(?P<y>\d{{4}}|\d{{2}})(?!\d)", re.I)),
    # MAR 05, 2018
    ("mondy", re.compile(rf"(?<![A-Z])(?P<mon>{_MONTH_RE})\.?\s*(?P<d>\d{{1,2}})(?:ST|ND|RD|TH)?,?\s*(?P<y>\d{{4}})(?!\d)", re.I)),
    # 20180323 after a DATE label only (checked below)
    ("compact", re.compile(r"(?<!\d)(?P<y>20\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")),
]
DATE_LABEL = re.compile(r"\b(DATE|DATED|TARIKH|DT)\b|\bDATE\s*/\s*TIME|\bBIZDATE\b", re.I)
TIME_RE = re.compile(r"(?<!\d)([01]?\d|2[0-3])\s?:\s?[0-5]\d(?:\s?:\s?[0-5]\d)?(?:\s?[AP]\.?M\.?)?(?!\d)", re.I)
DATE_NEG = re.compile(r"\b(EXP|EXPIRY|VALID|DUE|BEST BEFORE|PRINTED|MFG)\b", re.I)


def _date_value(kind: str, m: re.Match) -> date | None:
    g = m.groupdict()
    year = int(g["y"])
    if year < 100:
        year += 2000
    day = int(g["d"])
    if kind in ("dmony", "mondy"):
        return make_date(year, MONTHS[g["mon"].lower().rstrip(".")], day)
    month = int(g["m"])
    if kind in ("ymd", "compact"):
        return make_date(year, month, day)
    return make_date(year, month, day) or make_date(year, day, month)


def date_candidates(doc: DocText, lines: list[Line], today: date) -> list[Candidate]:
    out: list[Candidate] = []
    for line in lines:
        text = line.text
        taken: list[tuple[int, int]] = []
        for kind, pattern in DATE_RES:
            for m in pattern.finditer(text):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                value = _date_value(kind, m)
                if value is None or value.year < 2000 or value > today:
                    continue
                prev = lines[line.index - 1].text if line.index else ""
                labelled = bool(DATE_LABEL.search(text[: m.start()]) or (DATE_LABEL.search(prev) and not re.search(r"\d", prev)))
                if kind == "compact" and not labelled:
                    continue
                taken.append((m.start(), m.end()))
                score = 0.5
                cues = []
                if labelled:
                    score += 0.25
                    cues.append("DATE label")
                if TIME_RE.search(text[m.end():]) or TIME_RE.search(text[: m.start()]) or (
                    line.index + 1 < len(lines) and TIME_RE.fullmatch(lines[line.index + 1].text.split()[0] if lines[line.index + 1].text.split() else "")):
                    score += 0.1
                    cues.append("time beside it")
                if DATE_NEG.search(text):
                    score -= 0.3
                    cues.append("expiry/validity line")
                if kind == "dmy" and len(m.group("y")) == 2:
                    score -= 0.05
                raw = m.group().strip()
                start = line.start + m.start()
                out.append(Candidate(value.isoformat(), raw, _span(doc, start, start + len(raw)), score, ", ".join(cues) or "date pattern"))
    return out


def extract_date(doc: DocText, lines: list[Line], today: date) -> FieldResult | None:
    cands = date_candidates(doc, lines, today)
    if not cands:
        return None
    by_value: dict[str, list[Candidate]] = {}
    for c in cands:
        by_value.setdefault(c.value, []).append(c)
    ranked = sorted(by_value.items(), key=lambda kv: (-max(c.score for c in kv[1]), min(c.span.start for c in kv[1])))
    value, group = ranked[0]
    best = max(group, key=lambda c: c.score)
    others = [v for v, _ in ranked[1:]]
    top_other = max((max(c.score for c in g) for _, g in ranked[1:]), default=0.0)
    if not others:
        confidence = 0.9 + 0.08 * (best.score >= 0.75) - 0.1 * (best.score < 0.5)
    else:
        margin = best.score - top_other
        confidence = 0.6 + min(0.3, margin * 1.2)
    validators = [
        ValidatorResult("real_calendar_date", True, value),
        ValidatorResult("not_in_future", date.fromisoformat(value) <= today, f"{value} <= {today.isoformat()}"),
    ]
    result = FieldResult(
        "date", value, _round(confidence), [c.span for c in group], "rule", best.text, validators,
        candidates=_top([(c.value, c.score) for c in cands]),
    )
    return result


# --------------------------------------------------------------------------- total

AMOUNT_RE = re.compile(
    r"(?<![\w.,])(?P<neg>-)?\s?(?P<cur>RM|MYR|\$|SGD|USD)?\s?(?P<neg2>-)?(?P<num>\d{1,3}(?:,\d{3})+\.\d{2}|\d+\.\d{2})(?![\d%])",
    re.I,
)
TOTAL_STRONG = re.compile(
    r"ROUND\w*\s*(?:ED|D)?\s*TOTAL|TOTAL\s*ROUND|\bROUNDED\b|GRAND\s*TOTAL|NET+\s*TOTAL|\bNET+\s*AMOUNT|\bNET+\b|"
    r"TOTAL\s*(?:AMOUNT\s*)?(?:DUE|PAYABLE)|AMOUNT\s*DUE|INCL\w*\s*(?:OF\s*)?(?:GST|TAX)|"
    r"TOTAL\s*(?:SALES?|AMT|AMOUNT)?\s*\(?\s*INC|TOTAL\s*\(RM\)|TOTAL\s*RM|TOTAL\s*PAYABLE|JUMLAH", re.I)
TOTAL_PLAIN = re.compile(r"T\s?O\s?T\s?A\s?L|\bAMOUNT\b|\bAMT\b", re.I)
TOTAL_NEG = re.compile(
    r"SUB\s*-?\s*TOTAL|\bSUB\b|TOTAL\s*(?:QTY|QUANTITY|ITEM|ITEMS|GST|TAX|SAVING|SAVINGS|DISC|DISCOUNT|PCS|UNITS?|NO)|"
    r"EXCL|EXC\b|BEFORE|W/O|WITHOUT|\bQTY\b|ROUNDING|ADJ|\bCASH\b|CHANGE|TENDER|\bPAID\b|PAYMENT|CREDIT|VISA|MASTER|CARD|"
    r"\bGST\b(?!\s*\))|\bTAX\b|SERVICE|SVC|DISCOUNT|\bDISC\b|DEPOSIT|BALANCE|POINTS?\b|SAVED|VOUCHER|CHARGE|"
    r"\bITEMS?\b|\bS\s*=|\bSR\b|\bZR\b|@\s*\d+\s*%|\d+\s*%|TAXABLE|NON-?TAX|ZERO|EXEMPT", re.I)
CASH_RE = re.compile(r"\bCASH\b|TENDER|\bPAID\b|PAYMENT|\bRECEIVED\b", re.I)
CHANGE_RE = re.compile(r"CHANGE|\bBAKI\b", re.I)


def _amounts(line: Line) -> list[tuple[Decimal, int, int, str]]:
    out = []
    for m in AMOUNT_RE.finditer(line.text):
        num = m.group("num").replace(",", "")
        value = Decimal(num)
        if m.group("neg") or m.group("neg2"):
            value = -value
        s, e = m.start("num"), m.end("num")
        out.append((value, line.start + s, line.start + e, m.group("num")))
    return out


def _is_label(line: Line) -> bool:
    return not _amounts(line) and bool(re.search(r"[A-Za-z]{2,}", line.text))


def _label_kind(text: str) -> str | None:
    """'strong' for a line that names the amount to pay, 'plain' for TOTAL-ish, 'neg' for lines that name something else."""
    upper = text.upper()
    strong = TOTAL_STRONG.search(upper)
    if strong and not re.search(r"EXCL|EXC\b|BEFORE|W/O|WITHOUT|SUB\s*-?\s*TOTAL|ADJ", upper):
        if re.search(r"ROUNDING|ADJ", upper) and not re.search(r"TOTAL", upper):
            return "neg"
        return "strong"
    if TOTAL_NEG.search(upper):
        return "neg"
    if TOTAL_PLAIN.search(upper):
        return "plain"
    return None


def total_candidates(doc: DocText, lines: list[Line]):
    """Amounts with the cues that make them the total."""
    per_line = [_amounts(line) for line in lines]
    cands: list[dict] = []
    for i, line in enumerate(lines):
        for value, s, e, raw in per_line[i]:
            cands.append({"value": value, "start": s, "end": e, "raw": raw, "line": i, "cues": set(), "score": 0.0})

    def cands_on(i):
        return [c for c in cands if c["line"] == i]

    # label on the same line, or a label line whose value follows within a few lines
    cash_values, change_values = [], []
    for i, line in enumerate(lines):
        kind = _label_kind(line.text)
        label_text = line.text
        if per_line[i]:
            # text before the first amount is the label
            first = per_line[i][0][1] - line.start
            label_text = line.text[:first]
            kind = _label_kind(label_text) if re.search(r"[A-Za-z]{2,}", label_text) else None
            targets = [cands_on(i)[-1]] if cands_on(i) else []
        else:
            targets = []
            if kind is not None:
                # the amount on a following line: OCR often prints the label and value apart
                labels_between = 0
                for j in range(i + 1, min(len(lines), i + 5)):
                    if per_line[j]:
                        only_amount = re.fullmatch(r"[\s:]*(?:RM|MYR|\$)?\s*-?\s*(?:RM|MYR|\$)?\s*[\d,]+\.\d{2}\s*[A-Z]?\s*", lines[j].text, re.I)
                        if only_amount and (labels_between == 0 or (kind == "strong" and labels_between <= 1)):
                            targets = [cands_on(j)[0]]
                        break
                    if _is_label(lines[j]):
                        labels_between += 1
        for c in targets:
            if kind == "strong":
                c["cues"].add("strong_label")
            elif kind == "plain":
                c["cues"].add("total_label")
            elif kind == "neg":
                c["cues"].add("other_label")
        if targets:
            upper = label_text.upper()
            if CASH_RE.search(upper) and not CHANGE_RE.search(upper):
                cash_values.append(targets[0]["value"])
            if CHANGE_RE.search(upper):
                change_values.append(targets[0]["value"])
    # the amount paid minus the change given
    paid = set()
    for cash in cash_values:
        for change in change_values:
            if cash - change > 0 and change >= 0:
                paid.add(cash - change)
    counts: dict[Decimal, int] = {}
    for c in cands:
        counts[c["value"]] = counts.get(c["value"], 0) + 1
    for c in cands:
        if c["value"] in paid:
            c["cues"].add("cash_minus_change")
        if counts[c["value"]] >= 2:
            c["cues"].add("repeated")
    return cands, paid, cash_values


WEIGHTS = {"strong_label": 0.55, "total_label": 0.35, "other_label": -0.6, "cash_minus_change": 0.35, "repeated": 0.12}


def extract_total(doc: DocText, lines: list[Line]) -> FieldResult | None:
    cands, paid, cash_values = total_candidates(doc, lines)
    cands = [c for c in cands if c["value"] > 0]
    if not cands:
        return None
    max_value = max(c["value"] for c in cands)
    for c in cands:
        score = 0.1 + sum(WEIGHTS[k] for k in c["cues"])
        if c["value"] == max(v["value"] for v in cands if "other_label" not in v["cues"] and v["value"] not in cash_values) if any(
                "other_label" not in v["cues"] and v["value"] not in cash_values for v in cands) else False:
            c["cues"].add("largest")
            score += 0.1
        c["score"] = score
    by_value: dict[Decimal, list[dict]] = {}
    for c in cands:
        by_value.setdefault(c["value"], []).append(c)

    def group_score(group):
        best = max(c["score"] for c in group)
        return best + 0.03 * (len(group) - 1)

    ranked = sorted(by_value.items(), key=lambda kv: (-group_score(kv[1]), -kv[0]))
    value, group = ranked[0]
    cues = set().union(*(c["cues"] for c in group))
    best = max(group, key=lambda c: (c["score"], c["start"]))
    runner = group_score(ranked[1][1]) if len(ranked) > 1 else 0.0
    margin = group_score(group) - runner
    label = "strong_label" in cues or "total_label" in cues
    if "strong_label" in cues and "cash_minus_change" in cues:
        confidence = 0.97
    elif label and "cash_minus_change" in cues:
        confidence = 0.95
    elif "strong_label" in cues and "repeated" in cues:
        confidence = 0.92
    elif "strong_label" in cues:
        confidence = 0.88
    elif label and "repeated" in cues:
        confidence = 0.85
    elif label:
        confidence = 0.75
    elif "cash_minus_change" in cues:
        confidence = 0.7
    else:
        confidence = 0.35
    if "other_label" in cues:
        confidence -= 0.2
    if margin < 0.1:
        confidence -= 0.2
    elif margin < 0.25:
        confidence -= 0.05
    text_value = normalize_amount(best["raw"]) or str(value.quantize(Decimal("0.01")))
    validators = [ValidatorResult("positive", value > 0, text_value)]
    if paid:
        validators.append(ValidatorResult("cash_minus_change", True if value in paid or not label else value in paid,
                                          f"paid {', '.join(str(p) for p in sorted(paid))}"))
    spans = [doc.span(c["start"], c["end"]) for c in sorted(group, key=lambda c: c["start"])]
    return FieldResult(
        "total", text_value, _round(confidence), spans, "rule", best["raw"], validators,
        candidates=_top([(normalize_amount(str(v)), group_score(g)) for v, g in ranked]),
    )


# --------------------------------------------------------------------------- company and address

SUFFIX_RE = re.compile(
    r"\bS\W{0,2}D\W{0,2}N\.?\s*\.?\s*B\W{0,2}[HN]\W{0,2}D\b|\bSDN\b|\bBHD\b|\bBERHAD\b|\bS\s*/\s*B\b|\bSB\b|\bPLT\b|"
    r"\b(?:ENTERPRISES?|TRADING|RESTAURANT|RESTORAN|HARDWARE|MARKETING|STATIONERY|BOOKS?TORES?|"
    r"SUPERMARKET|MINIMARKET|MINI MARKET|PASARAYA|MART|BAKERY|CAFE|KEDAI|SYARIKAT|LIMITED|LTD|CORPORATION|INDUSTRIES|"
    r"COMPANY|& CO|CO\.|GROCER|PHARMACY|FARMASI|ELECTRICAL|MACHINERY|TRADERS?|AGENCY|SERVICES|STORE|STORES|"
    r"FOOD|HOLDINGS|GLOBAL|RESOURCES|VENTURES?|EMPORIUM|BOUTIQUE|PRINTING|HOUSE|KITCHEN|PETROL|STATION)\b",
    re.I)
STRONG_SUFFIX_RE = re.compile(r"\bS\W{0,2}D\W{0,2}N\.?\s*\.?\s*B\W{0,2}[HN]\W{0,2}D\b|\bBHD\b|\bBERHAD\b|\bS\s*/\s*B\b|\bPLT\b|\bENTERPRISES?\b|\bTRADING\b|\bLTD\b|\bLIMITED\b", re.I)
REG_RE = re.compile(r"^\(?\s*(?:CO\.?\s*(?:REG|NO)|COMPANY\s*(?:REG|NO)|ROC|REG|BR\s*NO|CO\.\s*NO)?[\s.:()]*\d{3,}[\d\s]*-?\s*[A-Z]?\s*\)?\.?$", re.I)
REG_TAIL = re.compile(r"\s*[\[(]?\s*(?:CO\.?\s*(?:REG\.?|NO\.?)\s*:?\s*|COMPANY\s*NO\.?\s*:?\s*)?\d{4,}\s*-?\s*[A-Z]\s*[\])]?\s*$", re.I)
STOP_RE = re.compile(
    r"\bTEL\b|\bTELEPHONE\b|\bPHONE\b|\bFAX\b|\bT\s*:|\bF\s*:|\bH/?P\b|\bTEL\s*NO|\bGST\b|\bTAX\b|INVOICE|RECEIPT|\bBILL\b|"
    r"\bDATE\b|CASHIER|\bEMAIL\b|E-MAIL|@|WWW|HTTP|\.COM|\bDOC\b|\bSST\b|\bREG\b|\bOPEN\b|\bTABLE\b|\bORDER\b|"
    r"\bCOMPANY\s*NO|\bCO\.?\s*NO|\bROC\b|\bBR\s*NO|\bID\s*:|\bSTAFF\b|\bTERMINAL\b|\bPOS\b|\bCHECK\b|\bWELCOME\b|\bTHANK",
    re.I)
POSTCODE_RE = re.compile(r"(?<![\dA-Z])\d{5}(?![\d])", re.I)
BRANCH_RE = re.compile(r"^\d{3,4}\s*-\s*[A-Z][A-Z .']+$", re.I)
ADDRESS_START = re.compile(r"^\W*(NO|LOT|JALAN|JLN|JL|LEVEL|LOT|BLOCK|BLK|UNIT|SUITE|WISMA|MENARA|KOMPLEKS|TAMAN|TMN|LORONG|LRG|G\s*F|GROUND|FLOOR|KM|BATU|PT|PLOT)\b", re.I)
ADDRESS_PREFIX = re.compile(r"^\s*(?:HQ\s*)?(?:ADD|ADDR|ADDRESS|ALAMAT)\s*[.:]\s*", re.I)
STATES = re.compile(
    r"\b(JOHOR|KEDAH|KELANTAN|MELAKA|MALACCA|NEGERI SEMBILAN|PAHANG|PERAK|PERLIS|PULAU PINANG|PENANG|SABAH|SARAWAK|"
    r"SELANGOR|TERENGGANU|KUALA LUMPUR|W\.?\s*P\.?|WILAYAH PERSEKUTUAN|PUTRAJAYA|LABUAN|MALAYSIA|KL|DARUL \w+)\b", re.I)
ADDRESS_WORD = re.compile(
    r"\b(NO|LOT|JALAN|JLN|JL|TAMAN|TMN|LORONG|LRG|BLOCK|BLK|LEVEL|FLOOR|FLR|GROUND|PLAZA|MALL|BANDAR|KAMPUNG|KG|"
    r"SEKSYEN|SECTION|PERSIARAN|LEBUH|BATU|KM|UNIT|SUITE|WISMA|MENARA|KOMPLEKS|KAWASAN|PERINDUSTRIAN|PUSAT|PERDANA|"
    r"UTAMA|INDAH|JAYA|BARU|ROAD|STREET|AVENUE|CENTRE|CENTER|SQUARE|PARK|CITY|PJ|KL)\b", re.I)


def _has_digits(text: str) -> bool:
    return bool(re.search(r"\d", text))


def _is_reg_line(text: str) -> bool:
    t = text.strip()
    if REG_RE.match(t):
        return True
    if re.match(r"^\(?\s*(CO\.?\s*(REG|NO)|COMPANY\s*(REG|NO)|ROC|BR\s*NO|REG\s*NO|GST|SST|\(GST)", t, re.I):
        return True
    if " " not in t and len(t) <= 18 and sum(ch.isdigit() for ch in t) >= 5:
        return True  # "<484297-M>", "000965911.P", "SA0127959-D"
    return bool(re.fullmatch(r"[\s(]*[\dA-Z]{0,3}\d{5,}[\s-]*[A-Z]?[\s)]*", t, re.I))


PHONE_LINE = re.compile(r"^\W*\(?\d{2,4}\)?\s?-?\s?\d{3,4}\s?-?\s?\d{3,5}\W*$")
LABEL_VALUE_LINE = re.compile(r"^[A-Z .#]{2,14}:\s*[\w-]+$", re.I)


def _address_start_ok(text: str) -> bool:
    if re.fullmatch(r"\(.*\)", text.strip()) or PHONE_LINE.match(text) or LABEL_VALUE_LINE.match(text.strip()):
        return False
    if any(p.search(text) for _, p in DATE_RES[:3]) or TIME_RE.search(text):
        return False
    return bool(ADDRESS_START.search(text) or re.match(r"^\W*\d", text) or POSTCODE_RE.search(text)
                or (_has_digits(text) and ADDRESS_WORD.search(text)))


def _header_end(lines: list[Line]) -> int:
    """Index of the first line past the receipt's header (items, totals)."""
    for line in lines[:40]:
        if re.search(r"\bQTY\b|\bDESC|\bITEM\b|\bPRICE\b|\bAMOUNT\b|\bCASHIER\b|\bTOTAL\b", line.upper) and line.index > 2:
            return line.index
    return min(len(lines), 25)


def _name_like(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 3 and letters >= 0.6 * len(re.sub(r"\s", "", text)) and not STOP_RE.search(text)


def extract_company(doc: DocText, lines: list[Line]):
    end = _header_end(lines)
    head = lines[: min(end, 12)]
    found = None
    for line in head:
        if STOP_RE.search(line.text) and not STRONG_SUFFIX_RE.search(line.text):
            continue
        if STRONG_SUFFIX_RE.search(line.text):
            found = (line, "strong")
            break
    if found is None:
        for line in head[:6]:
            if SUFFIX_RE.search(line.text) and _name_like(line.text) and not ADDRESS_WORD.search(line.text.split()[0]):
                found = (line, "suffix")
                break
    cues = []
    if found is None:
        for line in head[:4]:
            if _name_like(line.text) and not _is_reg_line(line.text):
                found = (line, "first")
                break
    if found is None:
        return None, -1
    line, kind = found
    used = [line]
    # names broken over lines: "POPULAR BOOK" / "CO. (M) SDN BHD", "NANDO'S CHICKENLAND MALAYSIA" / "SDN BHD"
    if kind in ("strong", "suffix") and line.index > 0:
        prev = lines[line.index - 1]
        m = SUFFIX_RE.search(line.text)
        before = line.text[: m.start()] if m else line.text
        long_words = [w for w in re.findall(r"[A-Za-z']+", before) if len(w) >= 3]
        unbalanced = before.count(")") > before.count("(")
        if (_name_like(prev.text) and not _is_reg_line(prev.text) and not _has_digits(prev.text)
                and (len(long_words) <= 1 or unbalanced or prev.text.rstrip().endswith(("&", "(", "-")))):
            used.insert(0, prev)
            if prev.index > 0 and (prev.text.count(")") > prev.text.count("(") or SUFFIX_RE.match(prev.text)):
                pp = lines[prev.index - 1]
                if _name_like(pp.text) and not _has_digits(pp.text):
                    used.insert(0, pp)
            cues.append("joined lines")
    elif kind == "first":
        nxt = lines[line.index + 1] if line.index + 1 < len(lines) else None
        if nxt is not None and line.text.rstrip().endswith(("&", "(", "-")):
            used.append(nxt)
    # drop the registration number written after the name
    last = used[-1]
    tail = REG_TAIL.search(last.text)
    last_text = last.text[: tail.start()] if tail and tail.start() > 0 else last.text
    last_text = last_text.rstrip(" :")
    pieces = [(u.start, u.end, u.text) for u in used[:-1]] + [(last.start, last.start + len(last_text), last_text)]
    # "DIMILIKI: X SDN BHD" ("owned by")
    first_start, first_end, first_text = pieces[0]
    prefix = re.match(r"^\s*(?:DIMILIKI(?:\s*OLEH)?|OWNED\s*BY|OPERATED\s*BY)\s*:?\s*", first_text, re.I)
    if prefix and len(pieces) == 1:
        first_start += prefix.end()
        first_text = first_text[prefix.end():]
        pieces[0] = (first_start, first_end, first_text)
    value = " ".join(p[2].strip() for p in pieces)
    spans = [doc.span(s, e) for s, e, _ in pieces]
    if kind == "strong":
        confidence = 0.93
    elif kind == "suffix":
        confidence = 0.8
    else:
        confidence = 0.55
    if len(used) > 1:
        confidence -= 0.08
    if kind != "first" and line.index >= 4:
        confidence -= 0.1
    result = FieldResult("company", value, _round(confidence), spans, "rule", value, [
        ValidatorResult("name_like", _name_like(value), value)], candidates=[{"value": value, "score": _round(confidence)}])
    return result, used[-1].index


def extract_address(doc: DocText, lines: list[Line], company_index: int):
    end = _header_end(lines)
    start = company_index + 1
    block: list[Line] = []
    stop_reason = "header end"
    for line in lines[start: max(end, start + 1)]:
        text = line.text
        if not block:
            if _is_reg_line(text) or (STOP_RE.search(text) and not (ADDRESS_WORD.search(text) and POSTCODE_RE.search(text))):
                if re.search(r"\bTEL|\bFAX|\bT\s*:|INVOICE|RECEIPT|\bDATE\b", text, re.I) and line.index > start + 2:
                    break
                continue
            if not _address_start_ok(text):
                continue  # a branch or brand line under the company
            block.append(line)
            continue
        if STOP_RE.search(text) or _is_reg_line(text) or _amounts(line) or PHONE_LINE.match(text):
            stop_reason = "stop line"
            break
        if any(p.search(text) for _, p in DATE_RES[:2]) or TIME_RE.search(text):
            stop_reason = "date line"
            break
        if len(block) >= 6:
            break
        block.append(line)
    if not block:
        return None
    # after the postcode/state line only what still reads as address (a mall, a branch code, the state)
    post_idx = [i for i, l in enumerate(block) if POSTCODE_RE.search(l.text) or STATES.search(l.text)]
    if post_idx:
        last = post_idx[-1]
        keep = last + 1
        for extra in block[last + 1:]:
            t = extra.text.strip()
            if ":" in t or len(t.split()) > 4 or SUFFIX_RE.search(t) and not ADDRESS_WORD.search(t):
                break
            if STATES.search(t) or BRANCH_RE.match(t) or re.fullmatch(r"\(.*\)", t) or (ADDRESS_WORD.search(t) and not _has_digits(t)):
                keep += 1
            else:
                break
        block = block[:keep]
    pieces = [(l.start, l.end, l.text) for l in block]
    prefix = ADDRESS_PREFIX.match(pieces[0][2])
    if prefix:
        pieces[0] = (pieces[0][0] + prefix.end(), pieces[0][1], pieces[0][2][prefix.end():])
    value = " ".join(p[2] for p in pieces)
    spans = [doc.span(s, e) for s, e, _ in pieces]
    has_post = bool(POSTCODE_RE.search(value))
    has_state = bool(STATES.search(block[-1].text))
    confidence = 0.5
    if has_post:
        confidence += 0.25
    if has_state or POSTCODE_RE.search(block[-1].text):
        confidence += 0.12
    if stop_reason == "stop line":
        confidence += 0.05
    if len(block) > 5:
        confidence -= 0.15
    validators = [ValidatorResult("postcode_present", has_post, value)]
    return FieldResult("address", value, _round(confidence), spans, "rule", value, validators,
                       candidates=[{"value": value, "score": _round(confidence)}])


# --------------------------------------------------------------------------- entry point


def extract(doc: DocText, runtime=None, *, today: date | None = None) -> dict[str, FieldResult]:
    today = today or date.today()
    lines = split_lines(doc)
    out: dict[str, FieldResult] = {}
    if not lines:
        return out
    company, company_index = extract_company(doc, lines)
    if company is not None:
        out["company"] = company
    address = extract_address(doc, lines, company_index)
    if address is not None:
        out["address"] = address
    found_date = extract_date(doc, lines, today)
    if found_date is not None:
        out["date"] = found_date
    total = extract_total(doc, lines)
    if total is not None:
        out["total"] = total
    for name, result in out.items():
        decide(result, THRESHOLDS[name])
    return out
