"""The NDA's term: how long the agreement itself stays in force ("for a period of two (2) years"), not the
period of another covenant (standstill, no-solicitation) or of an employment."""
from __future__ import annotations

import re
from collections import defaultdict

from extraction.evidence import DocText
from extraction.fields.nda.dates import DATE_RE
from extraction.fields.result import Candidate

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "twenty-four": 24, "twenty four": 24, "thirty-six": 36, "thirty six": 36, "forty-eight": 48,
    "forty eight": 48, "a": 1, "an": 1,
}
_NUM_RE = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS if len(w) > 2), key=len, reverse=True))
TERM_RE = re.compile(
    rf"\b(?P<num>\d{{1,3}}(?:\.\d)?|{_NUM_RE})(?:\s*\(\s*(?P<paren>\d{{1,3}})\s*\))?[\s-]*"
    rf"(?P<unit>years?|months?|weeks?|days?)\b",
    re.I,
)
_TERM_STRONG = re.compile(
    r"(?:\bterm\b(?:\s+of\s+this\s+(?:letter\s+)?agreement)?\s+(?:shall|will)\s+be|"
    r"this\s+(?:letter\s+)?agreement[^.;]{0,120}?\b(?:terminate|expire|remain\s+in\s+(?:full\s+force\s+and\s+)?effect|continue|cease|be\s+effective|have\s+a\s+term)|"
    r"(?:agreement|obligations?|provisions)\s+(?:hereunder\s+|under\s+this\s+agreement\s+)?(?:shall|will)\s+(?:automatically\s+)?(?:terminate|expire)|"
    r"\bTerm\b\s*[.:]|\bterm\s+of\s+this)[^.;]{0,160}$",
    re.I,
)
_TERM_MEDIUM = re.compile(r"\b(?:for\s+a\s+period\s+of|until|within|during|for)\s*(?:the\s+)?$", re.I)
_TERM_AFTER_DATE = re.compile(
    r"^[^.;]{0,12}?\b(?:from|after|following|of)\s+(?:the\s+)?(?:date\s+(?:hereof|of\s+this|first|on\s+which\s+this)|effective\s+date|execution|date\s+of\s+execution|the\s+date\s+(?:hereof|of\s+this))", re.I)
_TERM_EMPLOY = re.compile(r"^[^.;]{0,80}?\b(?:termination|cessation|end|separation)\s+of\s+(?:the\s+)?(?:executive'?s?|employee'?s?|your|my|his|her|such)?\s*(?:employment|service|engagement)", re.I)


def term_value(m: re.Match) -> str | None:
    raw = m.group("paren") or m.group("num")
    raw = raw.lower()
    if re.fullmatch(r"\d+(?:\.\d)?", raw):
        number = float(raw)
    else:
        number = _NUMBER_WORDS.get(raw)
    if not number or number > 120:
        return None
    unit = m.group("unit").lower().rstrip("s")
    if unit in ("day", "week") and number < 2:
        return None
    if number == int(number):
        number = int(number)
    return f"{number} {unit}{'s' if number != 1 else ''}"


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
ANNIVERSARY_RE = re.compile(
    r"\b(?P<num>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d{1,2}(?:st|nd|rd|th)|"
    r"(?:one|two|three|four|five)[\s-]+year)(?:\s*\(\s*\d{1,2}(?:st|nd|rd|th)?\s*\))?[\s-]+anniversary\b",
    re.I,
)
# Periods of the other covenants an NDA often carries: standstill, no-solicitation / no-hire, non-competition.
_OTHER_COVENANT_HEAD = re.compile(r"\b(?:standstill|non-?\s?solicitation|no\s+solicitation|no[\s-]+hire|"
                                  r"non-?\s?competition|covenant\s+not\s+to\s+compete)\b", re.I)
_OTHER_COVENANT = re.compile(
    r"\b(?:solicit\w*|hire|employ(?!ment\s+with)\b|standstill|acquire|tender\s+offer|prox(?:y|ies)|voting\s+securities|"
    r"beneficial(?:ly)?\s+own\w*|compet(?:e|ing|itive|ition))\b", re.I)


def _sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The sentence a period stands in: from the last sentence end before it, and up to the next one."""
    head = text[max(0, start - 300):start]
    cut = max(head.rfind(". "), head.rfind(".\n"), head.rfind(";"))
    tail = text[end:end + 300]
    stop = re.search(r"\.(?:\s|$)|;", tail)
    return head[cut + 1:] if cut >= 0 else head, tail[:stop.start()] if stop else tail


def _term_candidates(doc: DocText) -> list[Candidate]:
    text = doc.text
    out = []
    found = []
    for m in TERM_RE.finditer(text):
        value = term_value(m)
        if value:
            found.append((m.start(), m.end(), value, m.group(0)))
    for m in ANNIVERSARY_RE.finditer(text):  # "until the second (2nd) anniversary of the date hereof"
        word = re.sub(r"[\s-]+year$|(?<=\d)(?:st|nd|rd|th)$", "", m.group("num").lower())
        n = int(word) if word.isdigit() else _ORDINALS.get(word)
        if n and n <= 20:
            found.append((m.start(), m.end(), f"{n} year{'s' if n != 1 else ''}", m.group(0)))
    for start, end, value, written in sorted(found):
        before = text[max(0, start - 220):start]
        after = text[end:end + 140]
        score, cue = 0.0, ""
        if _TERM_STRONG.search(before):
            score, cue = 0.85, "agreement term clause"
        elif _TERM_MEDIUM.search(before):
            score, cue = 0.55, "for a period of"
        if _TERM_AFTER_DATE.search(after):
            score = max(score + 0.08, 0.6)
            cue = cue or "from the date hereof"
        if _TERM_EMPLOY.search(after) or re.search(r"employ|terminat\w+\s+of\s+(?:your|his|her|my)", after[:60], re.I):
            score = min(score, 0.35)
        if value.endswith(("days", "weeks")):
            score = min(score, 0.4)
        if re.search(r"\b(?:age|old|prior|ago|preceding)\b", after[:20], re.I):
            score = 0.0
        if score > 0.35:
            sent_before, sent_after = _sentence_around(text, start, end)
            if (_OTHER_COVENANT.search(sent_before + " " + sent_after)
                    and not re.search(r"\b(?:this|the)\s+(?:letter\s+)?agreement\s+(?:shall|will)\s+(?:terminate|expire)",
                                      sent_before, re.I)) or _OTHER_COVENANT_HEAD.search(text[max(0, start - 250):start]):
                score, cue = min(score, 0.35), "period of another covenant (standstill, no-solicitation)"
        if score <= 0.0:
            continue
        out.append(Candidate(value, written, doc.span(start, end), min(score, 0.95), cue))
    # "this Agreement shall expire December 31, 2002": the agreement ends on a date, and the periods in
    # the text belong to other obligations (survival, notice): none of them is sure to be the term.
    for m in _EXPIRES_ON.finditer(text):
        if DATE_RE.match(text, m.end()):
            for c in out:
                c.score = min(c.score, 0.6)
            break
    return out


_EXPIRES_ON = re.compile(r"\b(?:this\s+(?:letter\s+)?agreement|the\s+term(?:\s+of\s+this\s+agreement)?)\s+(?:shall|will)\s+"
                         r"(?:automatically\s+)?(?:expire|terminate|end)(?:\s+(?:on|at\s+the\s+close\s+of\s+business\s+on))?\s+",
                         re.I)


def _choose_term(cands):
    if not cands:
        return None, 0.0, []
    total: dict = defaultdict(float)
    best: dict = {}
    for c in cands:
        total[c.value] += c.score
        if c.value not in best or c.score > best[c.value].score:
            best[c.value] = c
    ranked = sorted(best, key=lambda v: (best[v].score, total[v]), reverse=True)
    top = best[ranked[0]]
    confidence = top.score
    if len(ranked) > 1 and best[ranked[1]].score >= 0.5:
        confidence = min(confidence, top.score - 0.3 * best[ranked[1]].score)
    if sum(1 for c in cands if c.value == top.value) > 1:
        confidence = min(0.97, confidence + 0.05)
    return top, confidence, [{"value": v, "score": round(best[v].score, 3)} for v in ranked[:5]]
