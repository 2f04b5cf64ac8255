"""The receipt's date: dates by pattern, chosen by a DATE label, a time beside them and being the only one."""
from __future__ import annotations

import re
from datetime import date

from extraction.evidence import DocText
from extraction.fields.normalize import _MONTH_RE, make_date, MONTHS
from extraction.fields.result import Candidate, FieldResult, ValidatorResult
from extraction.fields.receipt.lines import Line, rounded, span_of, top_candidates

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


def date_value(kind: str, m: re.Match) -> date | None:
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
                value = date_value(kind, m)
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
                out.append(Candidate(value.isoformat(), raw, span_of(doc, start, start + len(raw)), score, ", ".join(cues) or "date pattern"))
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
        "date", value, rounded(confidence), [c.span for c in group], "rule", best.text, validators,
        candidates=top_candidates([(c.value, c.score) for c in cands]),
    )
    return result
