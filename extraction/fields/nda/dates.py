"""The NDA's effective date: the date it is made, dated or takes effect, not a date of another agreement."""
from __future__ import annotations

import re

from extraction.evidence import DocText
from extraction.fields.nda.common import _PREAMBLE_STOP, _SIGN_START, _WS
from extraction.fields.normalize import MONTHS, make_date
from extraction.fields.result import Candidate

_EN_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
              "dec"]
_MON_RE = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"
DATE_RE = re.compile(
    rf"(?P<a>(?P<mon1>{_MON_RE})\.?{_WS}(?P<d1>\d{{1,2}}){_ORD}\s*,?\s*(?P<y1>(?:19|20)\d\d))"
    rf"|(?P<b>(?P<d2>\d{{1,2}}){_ORD}(?:{_WS}day)?(?:{_WS}of)?\s*,?{_WS}(?P<mon2>{_MON_RE})\.?\s*,?\s*(?P<y2>(?:19|20)\d\d))"
    rf"|(?P<c>\b(?P<m3>\d{{1,2}})/(?P<d3>\d{{1,2}})/(?P<y3>(?:19|20)?\d\d)\b)",
    re.I,
)


def _date_value(m: re.Match) -> str | None:
    if m.group("a"):
        mon, d, y = m.group("mon1"), m.group("d1"), m.group("y1")
    elif m.group("b"):
        mon, d, y = m.group("mon2"), m.group("d2"), m.group("y2")
    else:
        y = int(m.group("y3"))
        if y < 100:
            y += 1900 if y >= 50 else 2000
        value = make_date(y, int(m.group("m3")), int(m.group("d3")))  # US contracts: month first
        return value.isoformat() if value else None
    month = MONTHS.get(mon.lower())
    if not month:
        return None
    value = make_date(int(y), month, int(d))
    return value.isoformat() if value else None


_DATE_CUES = [
    # (regex on the text just before the date, score, cue)
    (re.compile(r"(?:effective|dated|made|entered\s+into|executed|signed|agreement)[^.;()]{0,40}?\bas\s+of(?:\s+the)?\s*$", re.I), 0.93, "as of"),
    (re.compile(r"\b(?:is|was|be|being)?\s*(?:made|entered(?:\s+into)?|executed|dated|effective)(?:\s+and\s+(?:entered(?:\s+into)?|effective|made))?(?:\s+(?:on|as\s+of|effective|this|on\s+this|the))*\s*$", re.I), 0.9, "made/dated"),
    (re.compile(r"\beffective(?:\s+(?:date|as\s+of|on|from))?\s*(?:is|shall\s+be|:)?\s*$", re.I), 0.88, "effective"),
    (re.compile(r"\bAGREEMENT,?\s+DATED\s*(?:AS\s+OF\s*)?$", re.I), 0.9, "title says dated"),
    (re.compile(r"\bas\s+of(?:\s+the)?\s*$", re.I), 0.75, "as of"),
    (re.compile(r"\bthis\s*$", re.I), 0.7, "this <day> of"),
    (re.compile(r"\bDATE\s*:?\s*$", re.I), 0.55, "date label"),
]
_EFFECTIVE_AFTER = re.compile(r"^\s*,?\s*\((?:the|this|hereinafter)?[^)]{0,30}?effective\s+date", re.I)
_OTHER_AGREEMENT = re.compile(r"\b(?:Merger|Purchase|Employment|Credit|Plan|Original|Prior|Existing|Letter|Services)\s+Agreement\b[^.;]{0,60}$", re.I)


_THIS_AGREEMENT = re.compile(
    r"\b(?:this|the\s+foregoing|the\s+within)\s+(?:[“\"]?[A-Z][\w\-,/]*[”\"]?\s+(?:and\s+|&\s+)?){0,8}(?:letter\s+)?(?:agreement|nda)\b"
    r"|\((?:the\s+|this\s+)?[“\"](?:agreement|nda)[”\"]\)|^[^a-z]{0,400}$", re.I)


def _refers_to_other_agreement(before: str) -> bool:
    """The date belongs to some other agreement named just before it ('the Rights Agreement, dated as of')."""
    tail = before[-220:]
    last = None
    for last in re.finditer(r"\b(?:agreement|contract|plan|notes?|letter)\b", tail, re.I):
        pass
    if last is None:
        return False
    after = tail[last.end():]
    if len(after) > 170 or not re.search(r"[a-z]{2}", after) or not re.search(r"\b(?:dated|entered|executed|effective|made|as\s+of)\b", after, re.I):
        return False
    pre = tail[:last.start()][-80:]
    if re.search(r"\b(?i:this)\s+(?:[A-Z“\"][\w\-“”\"/,]*\s+(?:and\s+|&\s+)?){0,7}$", pre):
        return False
    return bool(re.search(r"\b(?:the|a|an|certain|its|their|any|such|that|prior|existing)\s+(?:[A-Z][\w\-/]*[\s,]+(?:and\s+|&\s+)?){1,8}$", pre))


_DEFINED_CUE = "(the Effective Date)"  # the date is followed by (the "Effective Date")


def _date_candidates(doc: DocText) -> list[Candidate]:
    text = doc.text
    stop = _PREAMBLE_STOP.search(text, 0, 6000)
    preamble_end = stop.start() if stop else min(len(text), 3000)
    out = []
    for m in DATE_RE.finditer(text):
        value = _date_value(m)
        if not value:
            continue
        before = text[max(0, m.start() - 120):m.start()]
        after = text[m.end():m.end() + 60]
        score, cue = 0.0, ""
        for regex, s, c in _DATE_CUES:
            if regex.search(before):
                score, cue = s, c
                break
        if _EFFECTIVE_AFTER.search(after):
            score, cue = max(score, 0.95), _DEFINED_CUE
        in_preamble = m.start() < preamble_end
        if in_preamble:
            if not score:
                if m.start() < 1200 and re.search(r"\n\s*$", before) and re.match(r"\s*\n", after):
                    score, cue = 0.6, "date line at the top (letter)"
                else:
                    score, cue = 0.3, "date in the preamble"
        else:
            if cue in ("date label",):
                score = 0.5
            elif re.search(r"(?:IN\s+WITNESS|executed\s+this\s+(?:letter\s+)?agreement|as\s+of\s+the\s+date)", before, re.I):
                score, cue = 0.55, "execution clause"
            else:
                score = min(score, 0.35) if score else 0.0
        if _OTHER_AGREEMENT.search(before) or _refers_to_other_agreement(before):
            score = min(score, 0.3)
        if score > 0.65 and cue != _DEFINED_CUE:
            wide = text[max(0, m.start() - 260):m.start()]
            if not (_THIS_AGREEMENT.search(wide) or re.search(r"\b(?:agreement|nda)\b", wide[-120:], re.I) and m.start() < 1500):
                score, cue = 0.6, cue + " (not tied to this agreement)"
        defined = re.match(r"\s*,?\s*\((?:the\s+)?[“\"]([^”\"]{2,30})[”\"]", after)
        if defined and not re.search(r"effective|agreement|execution|signing", defined.group(1), re.I):
            score, cue = min(score, 0.3), "defines another date"
        if score <= 0:
            continue
        out.append(Candidate(value, m.group(0), doc.span(m.start(), m.end()), score, cue))
    return out


_LETTER_DATE_SURE = 0.87


def _trust_letter_date(doc: DocText, cands: list[Candidate]) -> None:
    """A letter agreement's date line is its date, unless it is countersigned on a later date (then that
    acceptance date may be the one that counts): only then does the letter date stay unsure."""
    letter = [c for c in cands if c.cue == "date line at the top (letter)"]
    if not letter:
        return
    text = doc.text
    sign = _SIGN_START.search(text, len(text) // 3)
    signed_dates = {_date_value(m) for m in DATE_RE.finditer(text, sign.start() if sign else len(text) * 2 // 3)}
    for c in letter:
        if not any(d and d > c.value for d in signed_dates):
            c.score = _LETTER_DATE_SURE


def _choose_date(cands: list[Candidate]) -> tuple[Candidate | None, float, list[dict]]:
    if not cands:
        return None, 0.0, []
    top = max(cands, key=lambda c: c.score)  # first among equals: the preamble one
    for c in cands:
        if c.score == top.score:
            top = c
            break
    confidence = top.score
    rivals = [c for c in cands if c.value != top.value and c.score >= 0.7]
    if rivals and top.cue == _DEFINED_CUE and all(c.cue != _DEFINED_CUE for c in rivals):
        # The date the agreement itself defines as its "Effective Date" is the effective date by
        # definition; other strongly cued dates (an "as of", a signing date) do not unsettle it much.
        confidence = min(confidence, 0.88)
    elif rivals:
        confidence = min(confidence, 0.6)
    agree = [c for c in cands if c.value == top.value]
    if len(agree) > 1:
        confidence = min(0.99, confidence + 0.03)
    ranked: dict = {}
    for c in sorted(cands, key=lambda c: -c.score):
        ranked.setdefault(c.value, c.score)
    return top, confidence, [{"value": v, "score": round(s, 3)} for v, s in list(ranked.items())[:5]]
