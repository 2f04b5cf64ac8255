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

from extraction.doctypes.registry import default_registry
from extraction.evidence import DocText, Span
from extraction.fields.normalize import MONTHS, _MONTH_RE, make_date
from extraction.fields.result import Candidate, FieldResult, ValidatorResult, decide

FIELDS = ("company", "date", "address", "total")

# The thresholds are the type's (x-threshold in extraction/doctypes/default_types.json): one place.
THRESHOLDS = default_registry()["receipt"].thresholds_by_field()


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
        # The only date on the receipt. A two-digit year (-0.05) only ranks it below a rival with four
        # digits; alone it is as sure as any other (the day-first reading is the receipts' own). A
        # lone date on an expiry or validity line, labelled or not, is not the transaction's.
        on_expiry_line = "expiry/validity line" in best.cue
        confidence = 0.9 + 0.08 * (best.score >= 0.75) - 0.1 * (best.score < 0.4 or on_expiry_line)
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


ONLY_AMOUNT = re.compile(r"[\s:]*(?:RM|MYR|\$)?\s*-?\s*(?:RM|MYR|\$)?\s*[\d,]+\.\d{2}\s*[A-Z]?\s*", re.I)
CENT5 = Decimal("0.05")

# Features of one amount (all its occurrences together) and their weights: a logistic score
# P(amount is the total). Weights fitted once on labelled receipts; every feature is a
# generic cue (labels, repetition, arithmetic between amounts), none names a shop.
TOTAL_FEATURES = (
    "strong", "plain", "neg", "cash", "change", "fifo_strong", "fifo_plain", "fifo_neg",
    "rep2", "rep3", "is_max", "is_max_rep", "pair_member", "pair_cash", "rounds_other",
    "rounded_by_other", "tax_inclusive", "tax_base", "lower_half", "rel_size", "mult05", "paid_minus_change",
    "column_total",
)
COLUMN_TOTAL_WEIGHT = 3.0
TOTAL_WEIGHTS = {
    "bias": -5.6, "strong": 2.5, "plain": 0.55, "neg": -0.35, "cash": -0.1, "change": -0.2,
    "fifo_strong": 0.85, "fifo_plain": 0.15, "fifo_neg": -0.05, "rep2": 0.15, "rep3": 0.5,
    "is_max": 1.15, "is_max_rep": 2.2, "pair_member": 0.85, "pair_cash": -0.25, "rounds_other": 1.25,
    "rounded_by_other": -0.9, "tax_inclusive": 1.1, "tax_base": -0.45, "lower_half": 0.4,
    "rel_size": 1.5, "mult05": 0.65, "paid_minus_change": 1.25,
    # set by hand, not fitted (see _column_payment); checked on even- and odd-numbered receipts apart
    "column_total": COLUMN_TOTAL_WEIGHT,
}


def _label_targets(lines: list[Line], per_line) -> list[tuple[int, str, str]]:
    """(candidate line, label kind, label text) from labels on the amount's line or printed above it."""
    out = []
    for i, line in enumerate(lines):
        if per_line[i]:
            first = per_line[i][0][1] - line.start
            label_text = line.text[:first]
            if re.search(r"[A-Za-z]{2,}", label_text):
                kind = _label_kind(label_text)
                if kind:
                    out.append((i, kind, label_text))
            continue
        kind = _label_kind(line.text)
        if kind is None:
            continue
        labels_between = 0
        for j in range(i + 1, min(len(lines), i + 5)):
            if per_line[j]:
                if ONLY_AMOUNT.fullmatch(lines[j].text) and (labels_between == 0 or (kind == "strong" and labels_between <= 1)):
                    out.append((j, kind, line.text))
                break
            if _is_label(lines[j]):
                labels_between += 1
    return out


def _fifo_targets(lines: list[Line], per_line) -> list[tuple[int, str, str]]:
    """Columns printed apart: a run of labels, then a run of amounts, paired in order."""
    out = []
    i = 0
    n = len(lines)
    while i < n:
        if per_line[i] or not _is_label(lines[i]):
            i += 1
            continue
        j = i
        while j < n and not per_line[j] and _is_label(lines[j]):
            j += 1
        k = j
        while k < n and per_line[k] and ONLY_AMOUNT.fullmatch(lines[k].text):
            k += 1
        labels, amounts = list(range(i, j)), list(range(j, k))
        if len(labels) >= 2 and len(amounts) >= 2:
            for label_index, amount_index in zip(labels, amounts):
                kind = _label_kind(lines[label_index].text)
                if kind:
                    out.append((amount_index, kind, lines[label_index].text))
        i = max(k, i + 1)
    return out


def _column_payment(lines: list[Line], per_line) -> set[Decimal]:
    """Totals shown by arithmetic where labels and amounts are printed in separate columns.

    A receipt that prints "TOTAL / CASH / CHANGE" as a run of labels and then the amounts as a run
    of bare numbers gives the amounts in the labels' order: total, paid, change. When the label
    column just above the amounts names the change, three amounts in a row where the first plus the
    third is the second, a round sum (57.40, 100.00, 42.60), are that trio whatever else the columns
    hold, and the first is the total.
    """
    out: set[Decimal] = set()
    run: list[Decimal] = []
    start = 0
    for i, line in enumerate(lines + [None]):
        if line is not None and per_line[i] and ONLY_AMOUNT.fullmatch(line.text):
            if not run:
                start = i
            run.append(per_line[i][0][0])
            continue
        if not run:
            continue
        # the label column printed just above the amounts (up to 8 lines, none with an amount) names the change
        labels = []
        for j in range(start - 1, max(-1, start - 9), -1):
            if per_line[j]:
                break
            labels.append(lines[j].text)
        if not any(CHANGE_RE.search(text) for text in labels):
            run = []
            continue
        for a, b, c in zip(run, run[1:], run[2:]):
            if a > 0 and c > 0 and a != c and b > max(a, c) and b % CENT5 == 0 and abs(a + c - b) <= Decimal("0.005"):
                out.add(a)
        run = []
    return out


def _near(a: Decimal, b: Decimal, tol: str = "0.021") -> bool:
    return abs(a - b) <= Decimal(tol)


def total_features(lines: list[Line]):
    per_line = [_amounts(line) for line in lines]
    occurrences: dict[Decimal, list[tuple[int, int, int, str]]] = {}
    for i, found in enumerate(per_line):
        for value, s, e, raw in found:
            if value > 0:
                occurrences.setdefault(value, []).append((i, s, e, raw))
    if not occurrences:
        return {}, occurrences
    feats = {v: dict.fromkeys(TOTAL_FEATURES, 0.0) for v in occurrences}
    for i, kind, label in _label_targets(lines, per_line):
        for value, *_ in per_line[i][-1:]:
            if value <= 0:
                continue
            f = feats[value]
            f[{"strong": "strong", "plain": "plain", "neg": "neg"}[kind]] = 1.0
            if CASH_RE.search(label) and not CHANGE_RE.search(label):
                f["cash"] = 1.0
            if CHANGE_RE.search(label):
                f["change"] = 1.0
    for i, kind, _ in _fifo_targets(lines, per_line):
        for value, *_ in per_line[i][:1]:
            if value > 0:
                feats[value]["fifo_" + kind] = 1.0
    values = sorted(occurrences)
    top = values[-1]
    repeated = [v for v in values if len(occurrences[v]) >= 2]
    text = "\n".join(l.text for l in lines)
    has_payment = bool(CASH_RE.search(text) and CHANGE_RE.search(text))
    value_set = set(values)
    half = len(lines) / 3
    for v in values:
        f = feats[v]
        count = len(occurrences[v])
        f["rep2"] = float(count >= 2)
        f["rep3"] = float(count >= 3)
        f["is_max"] = float(v == top)
        f["is_max_rep"] = float(bool(repeated) and v == repeated[-1])
        f["rel_size"] = float(v / top)
        f["mult05"] = float(v % CENT5 == 0)
        f["lower_half"] = float(any(i >= half for i, *_ in occurrences[v]))
    if has_payment:
        # paid - change = total: the total and the change are the two amounts that sum to the most paid
        for v in values:
            if v != top and (top - v) in value_set and (top - v) != v:
                feats[v]["pair_member"] = 1.0
                feats[top]["pair_cash"] = 1.0
                if feats[top - v]["change"] and not feats[v]["change"]:
                    feats[v]["paid_minus_change"] = 1.0
        for v in _column_payment(lines, per_line):
            if v in feats:
                feats[v]["column_total"] = 1.0
    tendered = {v for v in values if feats[v]["cash"] or feats[v]["pair_cash"]}
    for v in values:
        f = feats[v]
        for u in values:
            if u == v:
                continue
            if _near(u, v) and v % CENT5 == 0 and u % CENT5 != 0:
                f["rounds_other"] = 1.0
            if _near(u, v) and u % CENT5 == 0 and v % CENT5 != 0:
                f["rounded_by_other"] = 1.0
            for rate in ("1.06", "1.10", "1.16", "1.166"):
                if u < v and v not in tendered and _near(u * Decimal(rate), v, "0.03"):
                    f["tax_inclusive"] = 1.0
                if v < u and u not in tendered and _near(v * Decimal(rate), u, "0.03"):
                    f["tax_base"] = 1.0
    return feats, occurrences


def _logit(f: dict) -> float:
    return TOTAL_WEIGHTS["bias"] + sum(TOTAL_WEIGHTS[k] * f[k] for k in TOTAL_FEATURES)


def _sigmoid(x: float) -> float:
    import math

    return 1.0 / (1.0 + math.exp(-x))


# The small model as tie-breaker. Only when the rules are unsure (confidence in [SLM_GATE_LOW,
# SLM_GATE)), the model is asked once which of the top candidates is the total, with the receipt lines
# around them (redacted, through DocText.safe_window). Measured on the 425 receipts, the 135M model
# overturning the rules broke more totals than it fixed at every weight tried, but where it picks the
# rules' own choice that choice was right 46 times in 47: agreement raises the confidence past the
# threshold (method "slm"), disagreement lowers it and the value goes to review.
SLM_GATE_LOW = 0.45
SLM_GATE = 0.65
SLM_CANDIDATES = 3
SLM_AGREE_BONUS = 0.2
SLM_DISAGREE_MALUS = 0.1
SLM_MAX_LINES = 16


def total_prompt(doc: DocText, lines: list[Line], occurrences, values) -> str:
    """The question with the lines around each candidate's occurrences (redacted, at most SLM_MAX_LINES)."""
    keep: set[int] = set()
    for value in values:
        for i, *_ in occurrences[value]:
            keep.update(range(max(0, i - 2), min(len(lines), i + 2)))
    window = "\n".join(doc.safe_window(lines[i].start, lines[i].end) for i in sorted(keep)[-SLM_MAX_LINES:])
    return f"Receipt (excerpt):\n{window}\n\nWhat is the total amount paid on this receipt? Answer with the amount only."


def slm_choice(runtime, doc, lines, occurrences, values) -> int | None:
    """Index of the candidate the model finds likeliest, or None when the model cannot be used."""
    try:
        result = runtime.score(total_prompt(doc, lines, occurrences, values),
                               [str(v.quantize(Decimal("0.01"))) for v in values])
    except Exception:  # noqa: BLE001 - a missing or failing model leaves the rules' choice as it is
        return None
    return result.best_index


def extract_total(doc: DocText, lines: list[Line], runtime=None) -> FieldResult | None:
    feats, occurrences = total_features(lines)
    if not feats:
        return None
    scored = sorted(((_sigmoid(_logit(f)), v) for v, f in feats.items()), key=lambda t: (-t[0], -t[1]))
    p1, value = scored[0]
    p2 = scored[1][0] if len(scored) > 1 else 0.0
    # the chosen amount's probability, discounted by how plausible the runner-up still is
    confidence = p1 * (1.0 - p2) / max(1e-9, 1.0 - p1 * p2)
    method = "rule"
    if runtime is not None and len(scored) > 1 and SLM_GATE_LOW <= confidence < SLM_GATE:
        values = [v for _, v in scored[:SLM_CANDIDATES]]
        choice = slm_choice(runtime, doc, lines, occurrences, values)
        if choice == 0:
            confidence = min(0.75, confidence + SLM_AGREE_BONUS)
            method = "slm"
        elif choice is not None:
            confidence -= SLM_DISAGREE_MALUS
    occ = occurrences[value]
    text_value = str(value.quantize(Decimal("0.01")))
    f = feats[value]
    validators = [ValidatorResult("positive", value > 0, text_value)]
    if f["rounded_by_other"]:
        validators.append(ValidatorResult("rounded_total_present", False, "a rounded amount within 0.02 is written too"))
    if f["tax_base"]:
        validators.append(ValidatorResult("not_pre_tax", False, "an amount equal to this plus tax is written too"))
    spans = [doc.span(s, e) for _, s, e, _ in occ]
    return FieldResult(
        "total", text_value, _round(confidence), spans, method, occ[-1][3], validators,
        candidates=[{"value": str(v.quantize(Decimal("0.01"))), "score": round(p, 4)} for p, v in scored[:5]],
    )


# --------------------------------------------------------------------------- company and address

SUFFIX_RE = re.compile(
    r"\bS\W{0,2}D\W{0,2}N\.?\s*\.?\s*B\W{0,2}[HN]\W{0,2}D\b|\bSDN\b|\bBHD\b|\bBERHAD\b|\bS\s*/\s*B\b|\bSB\b|\bPLT\b|"
    r"\b(?:ENTERPRISES?|TRADING|RESTAURANT|RESTORAN|HARDWARE|MARKETING|STATIONERY|BOOKS?TORES?|"
    r"SUPERMARKET|MINIMARKET|PERNIAGAAN|MINI MARKET|PASARAYA|MART|BAKERY|CAFE|KEDAI|SYARIKAT|LIMITED|LTD|CORPORATION|INDUSTRIES|"
    r"COMPANY|& CO|CO\.|GROCER|PHARMACY|FARMASI|ELECTRICAL|MACHINERY|TRADERS?|AGENCY|SERVICES|STORE|STORES|"
    r"FOOD|HOLDINGS|GLOBAL|RESOURCES|VENTURES?|EMPORIUM|BOUTIQUE|PRINTING|HOUSE|KITCHEN|PETROL|STATION)\b",
    re.I)
STRONG_SUFFIX_RE = re.compile(r"\bSDN\.?\s*$|\bS\W{0,2}D\W{0,2}N\.?\s*\.?\s*B\W{0,2}[HN]\W{0,2}D\b|\bBHD\b|\bBERHAD\b|\bS\s*/\s*B\b|\bPLT\b|\bENTERPRISES?\b|\bTRADING\b|\bLTD\b|\bLIMITED\b", re.I)
REG_RE = re.compile(r"^\(?\s*(?:CO\.?\s*(?:REG|NO)|COMPANY\s*(?:REG|NO)|ROC|REG|BR\s*NO|CO\.\s*NO)?[\s.:()]*\d{3,}[\d\s]*-?\s*[A-Z]?\s*\)?\.?$", re.I)
REG_TAIL = re.compile(r"\s*[\[(]?\s*(?:CO\.?\s*(?:REG\.?|NO\.?)\s*:?\s*|COMPANY\s*NO\.?\s*:?\s*)?\d{4,}\s*-?\s*[A-Z]\b\s*[\])]?.*$", re.I)
STOP_RE = re.compile(
    r"\bTEL\b|\bTELEPHONE\b|\bPHONE\b|\bFAX\b|\bT\s*:|\bF\s*:|\bH/?P\b|\bTEL\s*NO|\bGST\b|\bTAX\b|INVOICE|RECEIPT|\bBILL\b|"
    r"\bDATE\b|CASHIER|\bEMAIL\b|E-MAIL|\S@\S|WWW|HTTP|\.COM|\bDOC\b|\bSST\b|\bREG\b|\bOPEN\b|\bTABLE\b|\bORDER\b|"
    r"\bCOMPANY\s*NO|\bCO\.?\s*NO|\bROC\b|\bBR\s*NO|\bID\s*:|\bSTAFF\b|\bTERMINAL\b|\bPOS\b|\bCHECK\b|\bWELCOME\b|\bTHANK",
    re.I)
POSTCODE_RE = re.compile(r"(?<![\dA-Z])\d{5}(?![\d])", re.I)
BRANCH_RE = re.compile(r"^\d{3,4}\s*-\s*[A-Z][A-Z .']+$", re.I)
ADDRESS_START = re.compile(
    r"^\W*(?:(NO|LOT|JALAN|JLN|JL|LEVEL|LOT|BLOCK|BLK|UNIT|SUITE|WISMA|MENARA|KOMPLEKS|TAMAN|TMN|LORONG|LRG|G\s*F|GROUND|FLOOR|KM|BATU|PT|PLOT)\b"
    # lot numbers written together ("PT17920", "PTD 101051", "LOT12") and unit codes ("A-G-06", "B-8", "G-19")
    r"|(?:PTD?|LOT)\s?\d|[A-Z]{1,2}\s?-+\s?[A-Z]?\d)", re.I)
ADDRESS_PREFIX = re.compile(r"^\s*(?:HQ\s*)?(?:ADD|ADDR|ADDRESS|ALAMAT)\s*[.:]\s*", re.I)
STATES = re.compile(
    r"\b(JOHOR|KEDAH|KELANTAN|MELAKA|MALACCA|NEGERI SEMBILAN|PAHANG|PERAK|PERLIS|PULAU PINANG|PENANG|SABAH|SARAWAK|"
    r"SELANGOR|TERENGGANU|KUALA LUMPUR|W\.?\s*P\.?|WILAYAH PERSEKUTUAN|PUTRAJAYA|LABUAN|MALAYSIA|KL|DARUL \w+)\b", re.I)
ADDRESS_WORD = re.compile(
    r"\b(NO|LOT|JALAN|JLN|JL|TAMAN|TMN|LORONG|LRG|BLOCK|BLK|LEVEL|FLOOR|FLR|GROUND|PLAZA|MALL|BANDAR|KAMPUNG|KG|"
    r"SEKSYEN|SECTION|PERSIARAN|LEBUH|BATU|KM|UNIT|SUITE|WISMA|MENARA|KOMPLEKS|KAWASAN|PERINDUSTRIAN|PUSAT|PERDANA|"
    r"UTAMA|INDAH|JAYA|BARU|ROAD|STREET|AVENUE|CENTRE|CENTER|SQUARE|PARK|CITY|PJ|KL|SEK|MUKIM|KWS|LEBUHRAYA|DATARAN|"
    r"BANGUNAN|SIMPANG|DESA|MEDAN|SRI|SERI|PEKAN|BUKIT|SUNGAI|SG|KOTA)\b", re.I)


# Words every Malaysian receipt header uses; a token one edit away from one of them is most
# likely an OCR misread ("SDN BND", "MALAYSLA", "PERINOUSTRIAN"): the value is kept as written
# but sent to review.
VOCABULARY = {
    "SDN", "BHD", "BERHAD", "ENTERPRISE", "ENTERPRISES", "TRADING", "RESTAURANT", "RESTORAN", "HARDWARE",
    "MARKETING", "STATIONERY", "SUPERMARKET", "MINIMARKET", "PASARAYA", "PERNIAGAAN", "SYARIKAT", "COMPANY",
    "LIMITED", "CORPORATION", "INDUSTRIES", "ELECTRICAL", "MACHINERY", "TRADERS", "SERVICES", "HOLDINGS",
    "RESOURCES", "VENTURE", "VENTURES", "BOOKS", "BOOKSTORE", "BOOKSTORES", "PHARMACY", "FARMASI",
    "JALAN", "TAMAN", "LORONG", "BANDAR", "KAMPUNG", "SEKSYEN", "SECTION", "PERSIARAN", "KAWASAN",
    "PERINDUSTRIAN", "PERUSAHAAN", "KOMPLEKS", "WISMA", "MENARA", "PLAZA", "LEVEL", "FLOOR", "GROUND",
    "BLOCK", "UTAMA", "INDAH", "PERDANA", "SELANGOR", "JOHOR", "BAHRU", "KEDAH", "KELANTAN", "MELAKA",
    "PAHANG", "PERAK", "PERLIS", "PENANG", "PINANG", "SABAH", "SARAWAK", "TERENGGANU", "KUALA", "LUMPUR",
    "MALAYSIA", "PETALING", "SHAH", "ALAM", "DARUL", "EHSAN", "TAKZIM", "MAKMUR", "KLANG", "CHERAS",
    "KEPONG", "PUCHONG", "SUBANG", "DAMANSARA", "AMPANG", "SETIA", "PERMAS", "SEMBILAN", "NEGERI",
    "INDUSTRIAL", "CENTRE", "CENTER", "SQUARE", "AVENUE", "STREET", "GARDEN", "HEIGHTS", "PUSAT",
    "KEMBANGAN", "SERI", "BARU", "JAYA", "KEDAI", "RUNCIT", "MAKANAN", "RAYA", "SRI", "DESA", "MEDAN",
    "BATU", "LAMA", "MALL", "CITY", "PARK", "SUNGAI", "BUKIT", "PULAU", "KOTA", "PEKAN",
    # real words and spellings one edit away from the words above (not misreads)
    "BOOK", "SERVICE", "STATIONERS", "UTARA", "KELANG", "LAMAN", "BORONG", "SUNGEI",
    # more address words (the other compass points, a building, a town), whose misreads are suspect too
    "SELATAN", "TIMUR", "BARAT", "COMPLEX", "TAMPIN",
}
LEGAL_FORM = {"SDN", "BHD", "CO"}


def _edit1(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1:] == a for i in range(len(b)))


def ocr_suspects(text: str, *, repeated_words: bool = False) -> list[str]:
    """Tokens that look misread: one edit from a header word, or odd symbols inside a name.

    A plural or singular of a header word ("RESTAURANTS", "BOOK") is a word, not a misread; a
    three-letter token counts only beside a legal form ("SDN BND", "SON BHD"), where its
    neighbours say what it should have been. With ``repeated_words`` a word written twice in
    ``text`` with one letter changed ("TAMPOI ... TAMPOL", "MAJU ... MAJO"), or a long one with a
    letter lost ("ANGSA DELIMA ... WANGSA MAJU"), is suspect too: an address repeats its place names,
    and two spellings of one name mean one of them is misread.
    """
    out = []
    tokens = re.findall(r"[A-Za-z]{2,}", text)
    uppers = [t.upper() for t in tokens]
    for i, (token, upper) in enumerate(zip(tokens, uppers)):
        if upper in VOCABULARY or upper in LEGAL_FORM or upper.rstrip("S") in VOCABULARY or upper + "S" in VOCABULARY:
            continue
        if len(upper) <= 3:
            reach = 1 if len(upper) == 3 else 2  # "SON BHD"; "CP. (M) SDN"
            beside = {uppers[j] for j in range(max(0, i - reach), min(len(uppers), i + reach + 1)) if j != i}
            if beside & LEGAL_FORM and any(_edit1(upper, word) for word in LEGAL_FORM if len(word) == len(upper)):
                out.append(token)
            continue
        if any(_edit1(upper, word) for word in VOCABULARY if len(word) >= 5):
            out.append(token)
    if repeated_words:
        long_words = sorted({u for u in uppers if len(u) >= 4})
        for a_index, a in enumerate(long_words):
            for b in long_words[a_index + 1:]:
                # one letter changed; or, in names of five letters or more, one dropped (short
                # words differ by a letter too often to tell: "JAYA"/"JAYAS")
                if (len(a) == len(b) or min(len(a), len(b)) >= 5) and _edit1(a, b):
                    out.append(f"{a}/{b}")
    out += re.findall(r"[^\w\s.,&()'/@:#+\-]", text)
    return out


# Values read from a scanned image carry more character errors (a digit, a letter of a name) than
# typed text, so they are sent to review more readily: this much off each field's confidence.
SCAN_MALUS = {"company": 0.15, "address": 0.15, "date": 0.1, "total": 0.15}


def scan_like(doc: DocText) -> bool:
    """Whether a page looks like Tesseract's reading of a scan, for text whose pages the evidence
    layer did not mark as OCR (DocText.read_by_ocr), e.g. text recognised before it arrived.

    Tesseract leaves three signs, and two of them on one page are required: text blocks separated
    by empty lines, stray lower-case letters in an all-capitals receipt ("Tatal", "SELanbur"), and
    specks and rules read as symbols ("—", "|", "“").
    """
    for page in doc.pages:
        body = page.strip()
        if not body:
            continue
        letters = [ch for ch in body if ch.isalpha()]
        lower = sum(ch.islower() for ch in letters) / max(1, len(letters))
        signs = 0
        signs += len(re.findall(r"\n[ \t]*\n", body)) >= 3  # blocks separated by blank lines
        signs += 0.03 <= lower <= 0.9  # an upper-case receipt read with stray lower case
        signs += len(re.findall(r"[^\x00-\x7f]|[|~{}\[\]_\\]", body)) >= 3 or bool(
            re.search(r"\b[A-Z]{2,}[a-z]+[A-Z]|\b[a-z]+[A-Z]{2,}", body))
        if signs >= 2:
            return True
    return False


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


def _has_date(text: str, kinds: int = 3) -> bool:
    """A real calendar date written in the line ("43-45-47" in a lot number is not one)."""
    for kind, pattern in DATE_RES[:kinds]:
        for m in pattern.finditer(text):
            try:
                if _date_value(kind, m) is not None:
                    return True
            except (KeyError, ValueError):
                continue
    return False


def _address_start_ok(text: str) -> bool:
    if re.fullmatch(r"\(.*\)", text.strip()) or PHONE_LINE.match(text) or LABEL_VALUE_LINE.match(text.strip()):
        return False
    if _has_date(text) or TIME_RE.search(text):
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
    # the seller is named above its address; a legal name printed after it is usually the customer
    limit = next((l.index for l in head if POSTCODE_RE.search(l.text) or re.search(r"\bTEL\b|\bFAX\b|\bT\s*:", l.text, re.I)), len(head))
    found = None
    for line in head[:limit]:
        if STOP_RE.search(line.text) and not STRONG_SUFFIX_RE.search(line.text):
            continue
        if STRONG_SUFFIX_RE.search(line.text):
            found = (line, "strong")
            break
    late = False
    if found is None:
        for line in head[limit:]:
            if STRONG_SUFFIX_RE.search(line.text) and not (STOP_RE.search(line.text) and not STRONG_SUFFIX_RE.search(line.text)):
                found, late = (line, "strong"), True
                break
    if found is not None and late:
        for line in head[:min(limit, 6)]:
            if SUFFIX_RE.search(line.text) and _name_like(line.text) and not ADDRESS_WORD.search(line.text.split()[0]):
                found, late = (line, "suffix"), False
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
        m = STRONG_SUFFIX_RE.search(line.text) or SUFFIX_RE.search(line.text)
        before = line.text[: m.start()] if m else line.text
        rest = re.sub(r"\bCO\b\.?|\bCOMPANY\b|\(\s*M\s*\)|\(MALAYSIA\)", " ", SUFFIX_RE.sub(" ", before), flags=re.I)
        # nothing but the legal form left ("CO. (M) SDN BHD", OCR'd "CP. (M) SDN BHD"): the name is on the line above
        only_legal_form = len(rest.strip(" &.,()")) <= 2 or line.text.lstrip().startswith(("&", "("))
        unbalanced = line.text.count(")") > line.text.count("(")
        if (_name_like(prev.text) and not _is_reg_line(prev.text) and not _has_digits(prev.text)
                and not STRONG_SUFFIX_RE.search(prev.text)
                and (only_legal_form or unbalanced or prev.text.rstrip().endswith(("&", "(", "-")))):
            used.insert(0, prev)
            if prev.index > 0 and (prev.text.count(")") > prev.text.count("(") or SUFFIX_RE.match(prev.text)):
                pp = lines[prev.index - 1]
                if _name_like(pp.text) and not _has_digits(pp.text):
                    used.insert(0, pp)
            cues.append("joined lines")
    # ... and forward: "HOME MASTER HARDWARE &" / "ELECTRICAL", "ENTERPRISE (SETIA" / "ALAM) SDN BHD"
    last = used[-1]
    if last.index + 1 < len(lines):
        nxt = lines[last.index + 1]
        if ((last.text.rstrip().endswith(("&", "(", "-")) or last.text.count("(") > last.text.count(")"))
                and _name_like(nxt.text) and not _is_reg_line(nxt.text)):
            used.append(nxt)
    # drop the registration number written after the name
    last = used[-1]
    tail = REG_TAIL.search(last.text)
    last_text = last.text[: tail.start()] if tail and tail.start() > 0 else last.text
    last_text = last_text.rstrip(" :,")
    pieces = [(u.start, u.end, u.text) for u in used[:-1]] + [(last.start, last.start + len(last_text), last_text)]
    # "DIMILIKI: X SDN BHD", "OWN BY: X" ("owned by"), "#000002 X"
    first_start, first_end, first_text = pieces[0]
    prefix = re.match(r"^\s*(?:(?:DIMILIKI(?:\s*OLEH)?|OWN(?:ED)?\s*BY|OPERATED\s*BY)\s*:\s*|#\d+\s+)", first_text, re.I)
    if prefix:
        first_start += prefix.end()
        first_text = first_text[prefix.end():]
        pieces[0] = (first_start, first_end, first_text)
    value = " ".join(p[2].strip() for p in pieces)
    spans = [doc.span(s, e) for s, e, _ in pieces]
    if kind == "strong":
        confidence = 0.93
    elif kind == "suffix":
        confidence = 0.8
        # a trade name at the top of the receipt with its registration number or its address right
        # under it is the seller's name line, not a slogan or a branch line
        after = lines[line.index + 1].text if line.index + 1 < len(lines) else ""
        if line.index <= 2 and (_is_reg_line(after) or _address_start_ok(after)):
            confidence += 0.07
    else:
        confidence = 0.55
    if len(used) > 1:
        confidence -= 0.08
    if kind != "first" and line.index >= 4:
        confidence -= 0.1
    if late:
        confidence -= 0.15
    if kind == "suffix" and any(_name_like(l.text) and not _is_reg_line(l.text) for l in lines[: line.index]):
        confidence -= 0.1  # a name-like line above it may be the name
    if re.search(r"\bSDN\.?\s*$", value, re.I):
        confidence -= 0.15  # the legal form cut short ("... SDN" with BHD lost)
    above = lines[used[0].index - 1] if used[0].index > 0 else None
    if (kind == "strong" and above is not None and _name_like(above.text) and not _is_reg_line(above.text)
            and not STRONG_SUFFIX_RE.search(above.text)):
        confidence -= 0.1  # a brand or the first half of the name may be printed above it
    suspects = ocr_suspects(value)
    if suspects:
        confidence -= 0.25
    result = FieldResult("company", value, _round(confidence), spans, "rule", value, [
        ValidatorResult("name_like", _name_like(value), value),
        ValidatorResult("no_ocr_suspects", not suspects, " ".join(suspects))], candidates=[{"value": value, "score": _round(confidence)}])
    return result, used[-1].index


def extract_address(doc: DocText, lines: list[Line], company_index: int):
    end = _header_end(lines)
    start = company_index + 1
    block: list[Line] = []
    stop_reason = "header end"
    skipped_names = 0  # name-like lines passed over between the company and the address
    for line in lines[start: max(end, start + 1)]:
        text = line.text
        if not block:
            if _is_reg_line(text) or (STOP_RE.search(text) and not (ADDRESS_WORD.search(text) and POSTCODE_RE.search(text))):
                if re.search(r"\bTEL|\bFAX|\bT\s*:|INVOICE|RECEIPT|\bDATE\b", text, re.I) and line.index > start + 2:
                    break
                continue
            if not _address_start_ok(text):
                skipped_names += _name_like(text)
                continue  # a branch or brand line under the company
            block.append(line)
            continue
        if (re.fullmatch(r"\d{5}\W?", text.strip()) and not any(POSTCODE_RE.search(l.text) for l in block)
                and not STATES.search(block[-1].text) and (ADDRESS_WORD.search(block[-1].text) or _has_digits(block[-1].text))):
            block.append(line)  # the postcode printed on a line of its own
            continue
        if STOP_RE.search(text) or _is_reg_line(text) or _amounts(line) or PHONE_LINE.match(text):
            stop_reason = "stop line"
            break
        if _has_date(text, 2) or TIME_RE.search(text):
            stop_reason = "date line"
            break
        if len(block) >= 6:
            break
        block.append(line)
    if not block:
        return None
    # after the postcode/state line only what still reads as address (a mall, a branch code, the state)
    post_idx = [i for i, l in enumerate(block) if POSTCODE_RE.search(l.text) or STATES.search(l.text)]
    trailing = 0
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
        trailing = keep - last - 1
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
    # cues that the block boundaries are a guess: lines kept after the postcode/state line (a mall or
    # branch name the label may or may not count), name-like lines skipped above it (a branch or brand
    # line that may belong to the address), a single line, no street word at all (an item code read as
    # a postcode), no company found above it
    if trailing:
        confidence -= 0.1
    if skipped_names:
        confidence -= 0.1
    if len(block) == 1:
        confidence -= 0.1
    if not any(ADDRESS_WORD.search(l.text) or ADDRESS_START.search(l.text) for l in block):
        confidence -= 0.2
    if company_index < 0:
        confidence -= 0.2
    suspects = ocr_suspects(value, repeated_words=True)
    if suspects:
        confidence -= 0.25
    validators = [ValidatorResult("postcode_present", has_post, value),
                  ValidatorResult("no_ocr_suspects", not suspects, " ".join(suspects))]
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
    total = extract_total(doc, lines, runtime)
    if total is not None:
        out["total"] = total
    if doc.read_by_ocr or scan_like(doc):
        for name, result in out.items():
            result.confidence = _round(result.confidence - SCAN_MALUS[name])
    for name, result in out.items():
        decide(result, THRESHOLDS[name])
    return out
