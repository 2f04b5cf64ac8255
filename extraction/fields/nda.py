"""Field extraction for non-disclosure agreements: effective_date, jurisdiction, party, term.

Evidence first. Each field gathers deterministic candidates from the text with the legal
cues that introduce them ("governed by the laws of the State of X", "made as of <date> by
and between A and B", "for a period of two (2) years", defined-term parentheticals such as
``("Company")``, signature blocks), scores them, picks one, normalises it and grounds it in a
span of the evidence text. Confidence is the rule score of the chosen candidate, lowered when
other candidates disagree; nothing that is not written in the document is ever returned.

Party names are normalised the way the Kleister-NDA annotators write them: ``&`` becomes
``and``, ``Incorporated`` ``Inc.``, ``Limited`` ``Ltd.``, commas dropped, words capitalised;
``raw`` and the evidence keep the names as written.
"""
from __future__ import annotations

import re
from collections import defaultdict

from extraction.doctypes.registry import default_registry
from extraction.evidence import DocText
from extraction.fields.normalize import MONTHS, make_date
from extraction.fields.result import Candidate, FieldResult, ValidatorResult, decide

FIELDS = ("effective_date", "jurisdiction", "party", "term")

# The thresholds are the type's (x-threshold in extraction/doctypes/default_types.json): one place.
THRESHOLDS = default_registry()["nda"].thresholds_by_field()

# --------------------------------------------------------------------------- places

US_STATES = [
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
    "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky",
    "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi",
    "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico",
    "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania",
    "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont",
    "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming", "District of Columbia",
    "Puerto Rico",
]
COUNTRIES = [
    "England and Wales", "England", "Scotland", "Ireland", "Northern Ireland", "United Kingdom",
    "Canada", "Ontario", "British Columbia", "Quebec", "Alberta", "Australia", "New South Wales",
    "Victoria", "New Zealand", "Germany", "France", "Switzerland", "Netherlands", "The Netherlands",
    "Belgium", "Luxembourg", "Austria", "Italy", "Spain", "Portugal", "Sweden", "Norway", "Denmark",
    "Finland", "Iceland", "Poland", "Czech Republic", "Hungary", "Israel", "Japan", "China",
    "People's Republic of China", "Hong Kong", "Singapore", "India", "Korea", "Republic of Korea",
    "Taiwan", "Malaysia", "Brazil", "Mexico", "Argentina", "Chile", "South Africa", "Bermuda",
    "Cayman Islands", "British Virgin Islands", "Russian Federation", "Russia", "Cyprus", "Greece",
    "Turkey", "United Arab Emirates",
]
# Names that are also common words or parts of other names: only taken after "State of" or "laws of".
_PLACE_RE = "|".join(sorted((re.escape(p) for p in US_STATES + COUNTRIES), key=len, reverse=True))
_STATE_ABBR = {
    "N.Y.": "New York", "Del.": "Delaware", "Cal.": "California", "Calif.": "California",
    "Mass.": "Massachusetts", "Tex.": "Texas", "Ill.": "Illinois", "Pa.": "Pennsylvania",
}
_CANON_PLACE = {p.casefold(): p for p in US_STATES + COUNTRIES}
_CANON_PLACE["the netherlands"] = "Netherlands"

_WS = r"[\s\u00a0]+"

_GOVERNING_RE = re.compile(
    rf"(?P<cue>govern(?:ed|s|ing)|constru(?:ed|e|ction)|interpret(?:ed|ation)|enforced|in\s+accordance\s+with|subject\s+to)"
    rf"(?P<mid>[^.;]{{0,160}}?)\blaws?(?:{_WS}\([^)]{{0,80}}\)|,[^.;]{{0,60}}?,)?{_WS}(?:of|in){_WS}(?:the{_WS})?"
    rf"(?:United{_WS}States(?:{_WS}of{_WS}America)?(?:,|{_WS}and)?{_WS}(?:the{_WS})?)?"
    rf"(?:(?:State|Commonwealth|Province|Country|Republic){_WS}of{_WS}(?:the{_WS})?)?(?P<place>{_PLACE_RE})\b",
    re.I,
)
_PLACE_LAW_RE = re.compile(
    rf"(?P<cue>govern(?:ed|s)|constru(?:ed|e))[^.;]{{0,60}}?\b(?:by|under|with)(?:{_WS}the)?(?:{_WS}(?:internal|domestic|substantive))?"
    rf"{_WS}(?P<place>{_PLACE_RE}){_WS}law\b",
    re.I,
)
_LAWS_OF_RE = re.compile(
    rf"\blaws?{_WS}of{_WS}(?:the{_WS})?(?:(?:State|Commonwealth){_WS}of{_WS})?(?P<place>{_PLACE_RE})\b", re.I
)
_COURTS_RE = re.compile(
    rf"\bcourts?\b[^.;]{{0,80}}?\b(?:State|Commonwealth){_WS}of{_WS}(?P<place>{_PLACE_RE})\b", re.I
)
_GOV_HEADING_RE = re.compile(r"\b(?:Governing|Applicable|Choice\s+of)\s+Law\b", re.I)
_STATE_OF_RE = re.compile(rf"\b(?:State|Commonwealth){_WS}of{_WS}(?P<place>{_PLACE_RE})\b", re.I)
_ORGANIZED_RE = re.compile(
    r"(?:organi[sz]ed|incorporated|existing|formed|registered|chartered)\s+(?:and\s+existing\s+)?under\s*$", re.I
)


def _place_value(text: str) -> str:
    key = " ".join(text.split()).casefold()
    return _CANON_PLACE.get(key, " ".join(text.split()))


def _jurisdiction_candidates(doc: DocText) -> list[Candidate]:
    text = doc.text
    out: list[Candidate] = []
    seen: set[int] = set()

    def add(match, score, cue):
        start, end = match.span("place")
        if start in seen:
            return
        seen.add(start)
        before = text[max(0, match.start() - 60):match.start()]
        if _ORGANIZED_RE.search(before + text[match.start():match.start("place")].split("laws")[0]):
            return
        value = _place_value(match.group("place"))
        out.append(Candidate(value, match.group("place"), doc.span(start, end), score, cue))

    for m in _GOVERNING_RE.finditer(text):
        cue = m.group("cue").lower()
        mid = m.group("mid").lower()
        if re.search(r"organi[sz]ed|incorporated|existing", mid):
            continue
        strong = cue.startswith("govern") or cue.startswith("constru") or "govern" in mid or "constru" in mid
        add(m, 0.95 if strong else 0.75, "governing-law clause" if strong else "laws of, with a legal cue")
    for h in _GOV_HEADING_RE.finditer(text):
        window_end = min(len(text), h.end() + 400)
        p = _STATE_OF_RE.search(text, h.end(), window_end)
        if p:
            add(p, 0.8, "State of X under a Governing Law heading")
    for m in _PLACE_LAW_RE.finditer(text):
        add(m, 0.92, "governed by X law")
    for m in _LAWS_OF_RE.finditer(text):
        before = text[max(0, m.start() - 60):m.start()]
        if _ORGANIZED_RE.search(before):
            continue
        add(m, 0.45, "laws of X")
    for m in _COURTS_RE.finditer(text):
        add(m, 0.35, "courts of X")
    return out


def _choose(cands: list[Candidate]) -> tuple[Candidate | None, float, list[dict]]:
    """Sum evidence per value, pick the best; confidence is its best score lowered by strong rivals."""
    if not cands:
        return None, 0.0, []
    best_per: dict = {}
    total: dict = defaultdict(float)
    for c in cands:
        key = _value_key(c.value)
        total[key] += c.score
        if key not in best_per or c.score > best_per[key].score:
            best_per[key] = c
    ranked = sorted(best_per, key=lambda k: (best_per[k].score, total[k]), reverse=True)
    top = best_per[ranked[0]]
    confidence = top.score
    if len(ranked) > 1:
        rival = best_per[ranked[1]]
        if rival.score >= top.score - 0.05:
            confidence = min(confidence, 0.55)
        elif rival.score >= 0.7:
            confidence = min(confidence, top.score - 0.5 * (rival.score - 0.4))
    # agreement among several mentions adds a little
    same = sum(1 for c in cands if _value_key(c.value) == ranked[0])
    if same > 1:
        confidence = min(0.99, confidence + 0.02 * (same - 1))
    shown = [{"value": best_per[k].value, "score": round(best_per[k].score, 3)} for k in ranked[:5]]
    return top, max(0.0, min(1.0, confidence)), shown


def _value_key(value):
    return re.sub(r"[\W_]+", "", str(value).casefold())


# --------------------------------------------------------------------------- dates

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
_PREAMBLE_STOP = re.compile(r"\b(?:WHEREAS|RECITALS?|BACKGROUND|W\s*I\s*T\s*N\s*E\s*S\s*S\s*E\s*T\s*H|NOW,?\s+THEREFORE)\b")
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
            score, cue = max(score, 0.95), "(the Effective Date)"
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
        if score > 0.65 and cue != "(the Effective Date)":
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
    if rivals:
        confidence = min(confidence, 0.6)
    agree = [c for c in cands if c.value == top.value]
    if len(agree) > 1:
        confidence = min(0.99, confidence + 0.03)
    ranked: dict = {}
    for c in sorted(cands, key=lambda c: -c.score):
        ranked.setdefault(c.value, c.score)
    return top, confidence, [{"value": v, "score": round(s, 3)} for v, s in list(ranked.items())[:5]]


# --------------------------------------------------------------------------- term

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


def _term_value(m: re.Match) -> str | None:
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
        value = _term_value(m)
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


# --------------------------------------------------------------------------- parties

_SUFFIX = (
    r"(?:Inc|Incorporated|Corp|Corporation|Co|Company|LLC|L\.\s?L\.\s?C|LLP|L\.\s?L\.\s?P|LP|L\.\s?P|Ltd|Limited|"
    r"PLC|plc|P\.L\.C|N\.\s?V|S\.\s?A|SA|AG|GmbH|ASA|AB|SE|S\.p\.A|B\.V|BV|Bancorp|Bancshares|Bank|Trust|"
    r"Partners|Holdings|Group|Fund|Associates|Enterprises|Technologies|Systems)\.?"
)
_SUFFIX_END = re.compile(rf"(?:^|[\s,]){_SUFFIX}\s*$")
_NAME_GAP = r"[ ,\u00a0]+"  # spaces, no-break spaces ('Raymond James\xa0& Associates'), commas
_ENTITY_RE = re.compile(
    rf"(?P<name>(?:[A-Z0-9][\w.'’&\-]*|&|and|of|the|de|du|la|\.)(?:{_NAME_GAP}(?:[A-Z0-9][\w.'’&\-/]*|&|and|of|the|de|for)){{0,7}}"
    rf"{_NAME_GAP}{_SUFFIX})(?![\w])"
)
_DEFINED = re.compile(
    r"\(\s*(?:each\s+|together\s+|collectively,?\s+)?(?:the\s+|this\s+|a\s+|an\s+|hereinafter\s+(?:referred\s+to\s+as\s+|called\s+)?(?:the\s+)?|herein\s+(?:referred\s+to\s+as\s+|called\s+)?(?:the\s+)?)?"
    r"[“\"'‘”]+(?P<term>[^”\"’)]{1,40})[”\"’]+[^()]{0,120}?\)"
)
_NOT_PARTY_TERMS = re.compile(
    r"^(?:agreement|nda|effective\s+date|date|transaction|proposed\s+transaction|possible\s+transaction|"
    r"confidential\s+information|information|evaluation\s+material|representatives?|affiliates?|purpose|"
    r"business|merger|parties|party|term|board|plan|notes?|securities|shares|project|services|"
    r"separation\s+date|effective\s+time|.*agreement)$",
    re.I,
)
_DESCRIPTOR = re.compile(
    r",?\s*(?:\(|\b(?:a|an)\s+(?:\w+\s+){0,4}?(?:(?i:corporation|company|limited|partnership)|individual|bank|association|"
    r"entity|resident|national|banking|business|trust|statutory|public|private|société|open|closed|joint|delaware|"
    r"nevada|new|[A-Z][a-z]+)\b|\b(?:whose|with\s+(?:its|a|offices)|having|located|organized|existing|"
    r"incorporated(?=\s+(?:in|under|and|as|pursuant|with)\b)|on\s+behalf|acting|doing|f/k/a|d/b/a|formerly|residing|who|which|its|at\s+\d|an?\s+individual|with\s+(?:an?\s+|its\s+)?(?:principal|offices?|registered|head|place|address)|c/o)|\s+(?:dba|d/b/a|doing\s+business\s+as|f/k/a|formerly\s+known)\b)",
)
_PERSON_RE = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?[A-Z][a-zA-Z'’\-]+(?:\s+(?:[A-Z]\.|[A-Z][a-zA-Z'’\-]+)){1,3}"
    r"(?:,?\s+(?:Jr\.?|Sr\.?|II|III|IV))?$"
)
_NAME_NOISE = re.compile(r"^(?:the\s+undersigned|undersigned|you|me|i|employee|executive|the\s+company|company|\W*)$", re.I)
_TITLES = re.compile(r",?\s+(?:M\.\s?D\.|Ph\.\s?D\.|Esq\.|J\.D\.|CPA)\s*$")


def _clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    name = re.sub(r"^(?:and|&|by|between|among|the\s+undersigned,?)\s+", "", name, flags=re.I)
    name = name.strip(" ,;:-–—\u201c\u201d\"")
    for _ in range(3):
        name = _TITLES.sub("", name).strip(" ,;:-–—\u201c\u201d\"")
    name = re.sub(r"(?:,?\s+(?:and|&|or))+$", "", name, flags=re.I).strip(" ,;:")
    name = _ROLE_TAIL.sub("", name).strip(" ,;:")
    name = _ROLE_HEAD.sub("", name).strip(" ,;:")
    name = re.sub(rf"(\b{_SUFFIX})(?:,?\s+\1)+$", r"\1", name)
    return name


# Words that label a signature block or a role, glued to a name by the text layer.
_ROLE_TAIL = re.compile(
    r"(?:[\s,]+(?:(?:the\s+)?(?:executive|employee|participant|consultant|recipient|"
    r"discloser|disclosing\s+party|receiving\s+party|signature|by|name|title|date)|"
    r"(?:accepted|acknowledged|agreed|confirmed)(?:,?\s+(?:and|&)\s+(?:accepted|acknowledged|agreed|confirmed))?"
    r"(?:\s+(?:to|by))?(?:\s+(?:as\s+of|this)\b.*)?))+\s*:?$",
    re.I)
_ROLE_HEAD = re.compile(
    r"^(?:(?:the\s+)?(?:board\s+of\s+)?directors\s+of|gentlemen|ladies\s+and\s+gentlemen|dear\s+sirs?|"
    r"to|attn\.?|attention|re|from)\s*[:,]?\s+(?=[A-Z])", re.I)


def kleister_name(name: str) -> str:
    """The Kleister annotators' form of a party name: '&' -> 'and', Incorporated -> Inc., Limited -> Ltd.,
    no commas, words capitalised (LLC, LP, LLP kept upper case)."""
    s = " ".join(name.replace("&", " and ").split())
    s = s.replace(",", "")
    s = re.sub(r"\bIncorporated\b\.?", "Inc.", s, flags=re.I)
    s = re.sub(r"\bLimited\b\.?", "Ltd.", s, flags=re.I)
    s = re.sub(r"\bL\.\s?L\.\s?C\.?", "LLC", s)
    s = re.sub(r"\bL\.\s?L\.\s?P\.?", "LLP", s)
    s = re.sub(r"\bL\.\s?P\.?(?=\s|$)", "LP", s)
    words = []
    for word in s.split():
        if word.lower() == "and":
            words.append("and")
        elif word.upper() in ("LLC", "LP", "LLP", "PLC"):
            words.append(word.upper())
        elif re.fullmatch(r"(?:[A-Za-z]\.)+", word):
            words.append(word.upper())
        else:
            words.append(word[:1].upper() + word[1:].lower())
    s = " ".join(words)
    if re.search(r"\b(?:Inc|Ltd|Corp|Co)$", s):
        s += "."
    return s


_ROLE_WORDS = (
    r"employee|employer|executive|buyer|seller|purchaser|vendor|supplier|distributor|customer|client|consultant|"
    r"contractor|recipient|discloser|disclosing|receiving|affiliates?|subsidiaries|participant|director|officer|"
    r"shareholder|stockholder|investor|licensor|licensee|bidder|counterparty|first|second|third|other|each|either|"
    r"both|all|such|said|party|parties|company|corporation|entity|logo|witness|undersigned|you|us|we|i|me"
)
_NOT_A_NAME = re.compile(
    r"^(?:whereas|now|therefore|recitals?|witnesseth|provided|notwithstanding|dear|gentlemen|ladies|re|to)\b"  # recitals, salutations
    rf"|^(?:[A-Z][.)]|[ivxIVX]{{1,4}}[.)])\s+(?:the\s+)?(?:{_ROLE_WORDS})\b"  # list enumerators: "B. The Company"
    r"|^\d{1,2}(?:\.\d{1,2})*[.)]?\s"  # "1.1 Company"
    r"|^(?-i:(?:An?|an?|its|their|our|your|this|that|any|each)\s+(?:[\w\-]+\s+){0,3}(?i:corporation|company|entity|partnership|bank|association))$"
    rf"|^(?:(?:the|a|an|and|&|{_ROLE_WORDS})[\s.,]*)+$"  # nothing but role words
    r"|^[A-Z]{1,3}-?\d+$"  # page / exhibit codes "A-4"
    r"|\b(?:and|&)\s+(?:the\s+(?:company|employee|executive)|employee|executive)$"
    rf"|^(?:{'|'.join(re.escape(x) for x in US_STATES)})\s+(?:corporation|company|limited\s+liability\s+company|partnership)$",
    re.I,
)


_LINE_TAIL_WORDS = re.compile(r"(?:(?<=\s)|^)((?:[A-Z][\w'’&\-]*|and|of|&)(?:[ \u00a0]+(?:[A-Z][\w'’&\-]*|and|of|&)){0,3})[ \u00a0]*$")


def _wrapped_start(text: str, start: int) -> int:
    """Where a name that starts a line really starts, when the text wrapped it: the capitalised words that
    end the previous line of a running sentence ('... and Offshore and Marine' / 'Holdings LLC')."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip(" \t\u00a0") or line_start == 0:
        return start
    prev_start = text.rfind("\n", 0, line_start - 1) + 1
    prev = text[prev_start:line_start - 1]
    tail = _LINE_TAIL_WORDS.search(prev)
    if not tail or len(prev.strip()) < len(tail.group(1)) + 20:
        return start  # nothing to take, or the previous line is a caption of its own ('Logo')
    words = tail.group(1)
    lead = re.match(r"(?:(?:and|of|&)[ \u00a0]+)+", words)  # '... and' joins, it does not name
    return prev_start + tail.start(1) + (lead.end() if lead else 0)


def _looks_like_party(name: str) -> bool:
    if not name or len(name) < 2 or len(name) > 90 or _NAME_NOISE.match(name):
        return False
    if not re.match(r"[A-Z0-9“\"]", name):
        return False
    if re.search(r"_{2,}|\[|\]|\b[Xx]{3,}\b", name):
        return False  # blanks and placeholders of a form ('XXXX', '[Name]', '______')
    if re.search(r"\b(?:Exhibit|Schedule|Agreement|Section|Page)\b|^(?:The\s+)?(?:Company|Parties|Party)\b", name, re.I):
        return False
    if _NOT_A_NAME.search(name):
        return False
    if _SUFFIX_END.search(name):
        return True
    if _PERSON_RE.match(name):
        return True
    words = name.split()
    return 1 <= len(words) <= 6 and all(w[:1].isupper() or w.lower() in ("and", "of", "&", "the", "de") for w in words)


def _preamble_parties(doc: DocText) -> tuple[list[tuple[str, int, int]], float, str]:
    """Names in 'between A (...) and B (...)' of the opening paragraph, with global offsets."""
    text = doc.text
    head_end = min(len(text), 6000)
    m = re.search(
        r"(?:agreement|nda|contract)\b[^.]{0,400}?\b(?P<kw>by\s+and\s+between|by\s+and\s+among|between|among)\s+",
        text[:head_end], re.I)
    if not m:
        m = re.search(r"(?:agreement|nda|contract)\b[^.]{0,300}?\b(?P<kw>by)\s+(?=[A-Z])", text[:head_end], re.I)
    if not m:
        m = re.search(r"\b(?P<kw>by\s+and\s+between|by\s+and\s+among|between|among)\s+", text[:3000], re.I)
    if not m:
        return [], 0.0, ""
    start = m.end()
    stop = _PREAMBLE_STOP.search(text, start, start + 1500)
    end = stop.start() if stop else min(len(text), start + 1200)
    # the sentence ends at a period that is not an abbreviation
    for p in re.finditer(r"\.(?=\s+[A-Z“\"(])", text[start:end]):
        prefix = text[start:start + p.start()]
        # abbreviations, in either case ('CO. LTD.', 'MR. SMITH'), and initials
        if re.search(rf"(?:\b(?i:{_SUFFIX[:-3]}|No|St|U\.S|Mr|Mrs|Ms|Dr|Jr|Sr|N\.A)|\b[A-Z])$", prefix):
            continue
        end = start + p.end()
        break
    segment = text[start:end]
    names: list[tuple[str, int, int]] = []
    pos = 0
    clean = True
    for d in _DEFINED.finditer(segment):
        term = d.group("term").strip()
        chunk = segment[pos:d.start()]
        chunk_start = start + pos
        pos = d.end()
        if _NOT_PARTY_TERMS.match(term):
            continue
        name_m = _name_in_chunk(chunk)
        if name_m is None:
            clean = False
            continue
        raw, s, e = name_m
        names.append((raw, chunk_start + s, chunk_start + e))
    if not names:
        # no parentheticals: "between A and B." / "between A, a Delaware corporation, and B, ..."
        tail = segment
        parts = re.split(r",?\s+and\s+(?=[A-Z])", tail, maxsplit=4)
        offset = 0
        for part in parts:
            idx = tail.find(part, offset)
            offset = idx + len(part)
            name_m = _name_in_chunk(part)
            if name_m:
                raw, s, e = name_m
                names.append((raw, start + idx + s, start + idx + e))
        return names, (0.6 if len(names) >= 2 else 0.4), "between A and B"
    return names, (0.9 if clean else 0.7), "between A (\"X\") and B (\"Y\")"


def _name_in_chunk(chunk: str, retry: bool = True) -> tuple[str, int, int] | None:
    lead = re.match(r"[\s,;:]*(?:on\s+the\s+one\s+hand,?\s+)?(?:and\s*,?\s+|&\s+|between\s+|among\s+)?"
                    r"(?:the\s+undersigned,?\s*)?", chunk, re.I)
    s = lead.end() if lead else 0
    if retry:
        # the chunk begins with the previous party's address or description: the name follows its last "and"
        body = chunk[s:]
        cut = _DESCRIPTOR.search(body)
        if cut and cut.start() == 0:
            joins = list(re.finditer(r"(?:,\s*|\s+)(?:and|&)\s*,?\s+(?=[A-Z“\"])", body))
            if joins:
                found = _name_in_chunk(body[joins[-1].start():], retry=False)
                if found:
                    return found[0], s + joins[-1].start() + found[1], s + joins[-1].start() + found[2]
    body = chunk[s:]
    cut = _DESCRIPTOR.search(body)
    if cut and cut.start() > 0:
        body = body[:cut.start()]
    raw = _clean_name(body)
    if not _looks_like_party(raw):
        return None
    found = _locate(chunk, raw, s)
    if not found:
        return None
    return raw, found[0], found[1]


def _locate(text: str, name: str, start: int = 0) -> tuple[int, int] | None:
    """Offsets of ``name`` in ``text`` at or after ``start``, whitespace-insensitively."""
    pattern = r"\s+".join(re.escape(part) for part in name.split())
    m = re.compile(pattern).search(text, start)
    return (m.start(), m.end()) if m else None


_HEADER_PARTIES = re.compile(r"\bPARTIES\s*:\s*", re.I)


def _header_parties(doc: DocText) -> list[tuple[str, int, int]]:
    text = doc.text
    m = _HEADER_PARTIES.search(text, 0, 3000)
    if not m:
        return []
    start = m.end()
    stop = re.search(r"\b(?:RECITALS|DATE|AGREEMENT)\s*:", text[start:start + 800])
    segment = text[start:start + (stop.start() if stop else 400)]
    out = []
    for line in re.split(r"\n|\(\s*[“\"]?[A-Z]+[”\"]?[^)]*\)", segment):
        name_m = _name_in_chunk(line)
        if name_m:
            raw, s, e = name_m
            gstart = start + segment.find(line) + s
            out.append((raw, gstart, gstart + len(raw)))
    return out


_SUFFIX_I = "(?i:" + _SUFFIX + ")"
_SIGN_LINE = re.compile(r"(?m)^[ \t]*(?P<name>[^\n]{2,90}?)[ \t,:]*$")
_ALLCAPS_NAME = re.compile(r"^[A-Z0-9][A-Z0-9&.,'’\-]*(?: [A-Z0-9&][A-Z0-9&.,'’\-]*){0,5}$")
_SIGN_NOISE = re.compile(
    r"^(?:very\s+truly\s+yours|sincerely|accepted|agreed|acknowledged|confirmed|in\s+witness|name|title|date|its|"
    r"by|address|signature|witness|employee|executive|company|associate|the\s+company|page|exhibit|\d+|"
    r"intentionally|authori[sz]ed|\[)", re.I)


_COLUMN_GAP = re.compile(r"[ \t\u00a0]{2,}")
_SUFFIX_THEN_NAME = re.compile(
    r"(?<=[\s,])(?:INC|CORP|CORPORATION|LLC|L\.L\.C|LLP|L\.P|LP|LTD|LIMITED|PLC|N\.A|CO)\.?(?=[ \t\u00a0]+(?![IVX]+\b)[A-Z]{2})")


def _column_names(line: str) -> list[str]:
    """The names on one signature-page line: two-column pages put both parties' names on one line,
    apart by a wide gap or only by a space after the first one's legal form ('ACME, INC. BOLT LLC')."""
    pieces = []
    for part in _COLUMN_GAP.split(line.strip(" \t\u00a0")):
        start = 0
        for m in _SUFFIX_THEN_NAME.finditer(part):
            if m.start() > start:
                pieces.append(part[start:m.end()])
                start = m.end()
        pieces.append(part[start:])
    return [p for p in (x.strip(" \t\u00a0,") for x in pieces) if p]


def _signature_parties(doc: DocText) -> list[tuple[str, int, int, str]]:
    """Names that sign: the entity line just above a 'By:' line, and '/s/ Name' signing for oneself."""
    text = doc.text
    out = []
    for by in re.finditer(r"(?m)^[ \t]*By\s*:?", text, re.I):
        window_start = max(0, by.start() - 160)
        lines = list(_SIGN_LINE.finditer(text, window_start, by.start()))
        for lm in reversed(lines[-3:]):
            whole = _clean_name(re.sub(r"\s*:\s*$", "", lm.group("name")))
            if not whole or _SIGN_NOISE.match(whole):
                continue
            pieces = _column_names(lm.group("name"))
            for piece in pieces:
                if len(pieces) > 1 and piece.rstrip().endswith(":"):
                    continue  # a caption over one column ("COMPANY:", "ACME:"), not the party's name
                raw = _clean_name(re.sub(r"\s*:\s*$", "", piece))
                if not raw or _SIGN_NOISE.match(raw):
                    continue
                is_entity = re.search(rf"(?:^|[\s,]){_SUFFIX_I}$", raw) or _ALLCAPS_NAME.match(raw)
                if is_entity and _looks_like_party(raw) and len(raw.split()) <= 8:
                    found = _locate(text, raw, lm.start())
                    if found:
                        out.append((raw, found[0], found[1], "entity"))
            break
    for sm in re.finditer(r"/s/[\s\u00a0]*(?P<name>[A-Z][A-Za-z.'’\-]+(?:[ \t\u00a0]+[A-Z][A-Za-z.'’\-]*){1,3})", text):
        raw = _clean_name(sm.group("name").replace("\u00a0", " "))
        raw = re.sub(r"(?:\s+(?:Name|Title|Date|By|Print|Printed|Signature|Its))+$", "", raw)
        if not _PERSON_RE.match(raw):
            continue
        found = _locate(text, raw, sm.start("name"))
        if not found:
            continue
        score, why = _signer_role(text, sm.start(), found[1])
        if score >= 0.75:
            out.append((raw, found[0], found[1], "person"))
        elif score >= 0.4:
            out.append((raw, found[0], found[1], f"signer?{score}"))  # the rules are unsure: ask the SLM
        else:
            out.append((raw, found[0], found[1], "officer"))
    return out


_OFFICER_TITLE = re.compile(
    r"\b(?:Title|Its)\s*:[\s\u00a0]*\S|\b(?:Chief|Officer|President|Vice|Director\b(?!s)|Secretary|Treasurer|Chair(?:man|woman|person)?|"
    r"Counsel|CEO|CFO|COO|EVP|SVP|Manager|Managing|Partner|Member|Principal|Trustee|Authori[sz]ed|Attorney[- ]in[- ]fact|"
    r"General\s+Partner|Head\s+of|Controller)\b")
_SELF_CAPTION = re.compile(
    r"\b(?:accepted|agreed|acknowledged|confirmed|intending\s+to\s+be\s+legally\s+bound|employee|executive|"
    r"consultant|director|individual(?:ly)?|in\s+(?:his|her)\s+individual\s+capacity|signature|printed\s+name|"
    r"print\s+name|the\s+undersigned)\b", re.I)
_SENDER = re.compile(r"\b(?:sincerely|very\s+truly\s+yours|yours\s+(?:truly|sincerely|faithfully)|best\s+regards|regards)\b[\s,]*$", re.I)


def _column_piece(line: str, col: int) -> str:
    """The part of a signature-page line that stands in the column starting near ``col``."""
    line = line.replace("\t", "    ")
    piece = line[max(0, col - 3):] if len(line) > col + 3 and col > 8 else line
    return re.split(r"[ \t\u00a0]{3,}", piece.strip(" \t\u00a0"))[0]


def _signer_role(text: str, start: int, end: int) -> tuple[float, str]:
    """Whether the person who signs '/s/ Name' at ``start`` is a party, or an officer signing for an entity.

    Returns (score, cue): the score is the rule's belief that the signer is a party in their own right.
    """
    line_start = text.rfind("\n", 0, start) + 1
    col = len(text[line_start:start].replace("\t", "    "))
    before = text[max(0, start - 160):start]
    # the signer's own column in the next lines: name, title, "Its:"
    below = []
    pos = text.find("\n", end)
    rest_of_line = text[end:pos if pos >= 0 else len(text)]
    below.append(re.split(r"(?:[ \t\u00a0]{3,}|/s/)", rest_of_line)[0])
    taken = 0
    while taken < 3 and pos >= 0:
        nxt = text.find("\n", pos + 1)
        line = text[pos + 1:nxt if nxt >= 0 else len(text)]
        pos = nxt
        if not line.strip(" \t\u00a0"):
            continue  # blank and no-break-space lines between the signature's parts
        taken += 1
        piece = line[max(0, col - 3):] if len(line) > col + 3 and col > 8 else line
        below.append(re.split(r"[ \t\u00a0]{3,}", piece.strip(" \t\u00a0"))[0])
    below_text = "\n".join(below)
    if _SENDER.search(before[-60:]):
        return 0.25, "letter signed by its sender"
    if re.search(r"\bBy\s*:?[\s\u00a0_]*$", before[-20:], re.I):
        if _OFFICER_TITLE.search(below_text):
            return 0.1, "signs 'By:' with a title"
        lines_above = [l.strip() for l in before.split("\n")[-4:-1] if l.strip()]
        if any(re.search(rf"(?:^|[\s,]){_SUFFIX_I}$", l) or _ALLCAPS_NAME.match(l) for l in lines_above):
            return 0.2, "signs 'By:' under an entity"
        return 0.45, "self? signs 'By:' without a title"
    if _OFFICER_TITLE.search(below_text):
        return 0.2, "title under the signature"
    # the lines above, in the signer's column (two-column signature pages put the other party beside it)
    above = [_column_piece(l, col) for l in before.split("\n")[:-1] if l.strip(" \t\u00a0")][-2:]
    if any(re.search(rf"(?:^|[\s,]){_SUFFIX_I}$", l) and _looks_like_party(_clean_name(l)) for l in above):
        return 0.2, "signs under an entity's name"
    if _SELF_CAPTION.search(before[-100:]) or _SELF_CAPTION.search(below_text):
        return 0.9, "self: signs as an individual"
    return 0.7, "signs without a title"


def _party_result(doc: DocText, runtime=None) -> FieldResult | None:
    names, score, cue = _preamble_parties(doc)
    from_preamble = len(names)
    if len(names) < 1:
        names = _header_parties(doc)
        score, cue = (0.75, "PARTIES: header") if len(names) >= 2 else (0.4, "PARTIES: header")
    sig = _signature_parties(doc)
    sig_entities = [(n, s, e) for n, s, e, kind in sig if kind == "entity"]
    sig_people = [(n, s, e) for n, s, e, kind in sig if kind == "person"]
    unsure = [(n, s, e, float(kind[7:])) for n, s, e, kind in sig if kind.startswith("signer?")]
    method = "rule"
    if unsure and len(names) < 2:
        # Rules cannot tell a person signing for themselves from an officer signing for a company:
        # the SLM reads the signature block around each one (redacted) and says which.
        votes = _slm_yes(runtime, [_prompt(_marked(doc, s, e, 260, 160), _ASK_SIGNER) for _, s, e, _ in unsure])
        for (n, s, e, rule), p_yes in zip(unsure, votes or [None] * len(unsure)):
            if p_yes is None:  # no model: the rule's belief alone
                if rule >= 0.5:
                    sig_people.append((n, s, e))
                continue
            method = "slm"
            if rule + _SLM_WEIGHT * (p_yes - 0.5) >= 0.5:
                sig_people.append((n, s, e))
    sig_keys = {_value_key(kleister_name(n)) for n, _, _ in sig_entities + sig_people}

    def known(raw, pool):
        key = _value_key(kleister_name(raw))
        return any(key and (key in k or k in key) for k in pool)

    if len(names) < 2:
        pool = {_value_key(kleister_name(n)) for n, _, _ in names}
        added = 0
        for item in list(sig_entities):
            # a signature line that holds a known party and something more: the other column's name
            for known_raw, _, _ in list(names):
                at = item[0].casefold().find(known_raw.casefold())
                if at < 0 or len(item[0]) <= len(known_raw) + 3:
                    continue
                rest = _clean_name(item[0][:at] + " " + item[0][at + len(known_raw):])
                found = _locate(doc.text, rest, item[1]) if _looks_like_party(rest) and len(rest.split()) >= 2 else None
                if found and found[0] < item[2]:
                    sig_entities.append((rest, found[0], found[1]))
        for item in sig_entities + sig_people:
            if not known(item[0], pool):
                names.append(item)
                pool.add(_value_key(kleister_name(item[0])))
                added += 1
        if added:
            score, cue = (0.55 if score >= 0.6 else 0.45), cue + " + signature blocks"
    if len(names) < 2:
        # an employer named in the opening lines ("As a condition of my employment with X, Inc.")
        pool = {_value_key(kleister_name(n)) for n, _, _ in names}
        head = doc.text[:1500]
        for em in _ENTITY_RE.finditer(head):
            name_start = _wrapped_start(head, em.start("name"))
            raw = _clean_name(head[name_start:em.end("name")])
            raw = re.sub(r"^(?:[A-Z][a-z]+\s+)*?(?:with|of|by|for|between|to)\s+", "", raw)  # "and" may join a name
            if not _looks_like_party(raw) or known(raw, pool) or len(raw.split()) > 7:
                continue
            if not re.search(rf"(?:^|[\s,]){_SUFFIX}$", raw) or raw.isupper() and len(raw) > 60:
                continue
            found = _locate(doc.text, raw, name_start)
            if found:
                names.append((raw, found[0], found[1]))
                score, cue = min(score, 0.45) if score else 0.4, cue + " + entity in the opening lines"
                break
    if not names:
        return None
    seen, values, raws, spans, signed = set(), [], [], [], []
    region = _signature_region(doc, max((e for _, _, e in names[:from_preamble]), default=0))
    for raw, s, e in names:
        value = kleister_name(raw)
        key = _value_key(value)
        if not key or key in seen:
            continue
        seen.add(key)
        values.append(value)
        raws.append(raw)
        spans.append(doc.span(s, e))
        signed.append(_signed_again(region, raw))
    if not values:
        return None
    confidence = score
    pure_preamble = cue.startswith("between") and "+" not in cue
    if pure_preamble and all(signed) and len(values) <= 2:
        # Every name of the opening sentence is written again where the agreement is signed: a party
        # that signs. A party the preamble missed costs completeness, not the names found.
        confidence = min(confidence, 0.8) if len(values) == 1 else confidence
    elif len(values) == 1:
        confidence = min(confidence, 0.5)
    if len(values) > 2:
        confidence = min(confidence, 0.7 if len(values) == 3 else 0.6)
    if pure_preamble and not all(signed):
        confidence = min(confidence, 0.86)
    if sig_keys and cue.startswith("between"):
        confirmed = sum(1 for v in values if known(v, sig_keys))
        if confirmed == len(values):
            confidence = min(0.98, confidence + 0.06)
        elif confirmed:
            confidence = min(0.98, confidence + 0.03)
    if any(_GLUED_ENTITIES.search(v) for v in values):
        confidence = min(confidence, 0.6)  # 'A, Inc. and A, L.P.' is two names read as one
    if method == "slm":
        confidence = min(confidence, 0.6)
    result = FieldResult(
        name="party", value=values, raw=raws, evidence=spans, confidence=round(confidence, 4), method=method,
        candidates=[{"value": v, "score": round(score, 3)} for v in values],
    )
    result.validators.append(ValidatorResult("grounded_each", all(spans) and len(spans) == len(values), cue))
    return result


_LEGAL_FORM = r"(?:Inc|Corp|Corporation|LLC|L\.?L\.?C|LLP|LP|L\.P|Ltd|Limited|PLC|N\.V|S\.A|AG|GmbH|B\.V)\.?"
_GLUED_ENTITIES = re.compile(rf"(?i:(?:^|\s){_LEGAL_FORM},?\s+(?:and|&)\s+\S.*\s{_LEGAL_FORM}$)")
_SIGN_START = re.compile(
    r"\bIN\s+WITNESS\b|\b(?:very\s+truly\s+yours|sincerely(?:\s+yours)?|yours\s+(?:truly|sincerely|faithfully))\b"
    r"|\b(?:accepted|agreed|acknowledged|confirmed)(?:,?\s+(?:and|&)\s+(?:accepted|agreed|acknowledged|confirmed))?"
    r"(?:\s+(?:to|by))?(?:\s+as\s+of)?\s*[:,]?\s*$",
    re.I | re.M,
)
_ENTITY_TAIL = re.compile(rf"[\s,]+{_SUFFIX}$")


def _signature_region(doc: DocText, after: int) -> str:
    """The signature part of the document, as a comparison key: from the first signing cue ('IN WITNESS',
    'Very truly yours', 'Accepted and agreed') after the opening sentence, else the last third."""
    text = doc.text
    cue = _SIGN_START.search(text, max(after, len(text) // 3))
    start = cue.start() if cue else max(after, len(text) * 2 // 3)
    return _value_key(text[start:])


def _signed_again(region: str, raw: str) -> bool:
    """Whether a name is written again in the signature part (as an entity line, or a person's /s/ name),
    with or without its corporate suffix."""
    core = raw
    for _ in range(2):
        core = _ENTITY_TAIL.sub("", core).strip(" ,")
    keys = {_value_key(raw), _value_key(core)}
    return any(len(k) >= 4 and k in region for k in keys)


# --------------------------------------------------------------------------- entry point


def _single(name: str, top: Candidate, confidence: float, shown: list[dict], doc: DocText,
            method: str = "rule") -> FieldResult:
    result = FieldResult(
        name=name, value=top.value, raw=top.text, evidence=[top.span], confidence=round(confidence, 4),
        method=method, candidates=shown,
    )
    result.validators.append(ValidatorResult("grounded", doc.quote(top.span).strip() != "", top.cue))
    return result


# --------------------------------------------------------------------------- the SLM where rules are unsure

_SLM_WEIGHT = 0.4  # how far the model's yes/no can move a rule score (both in [0, 1])
_ASK_DATE = "Is the date marked [[ ]] the date this agreement is made, dated or takes effect?"
_ASK_TERM = "Is the period marked [[ ]] how long this agreement itself stays in force (its term)?"
_ASK_SIGNER = ("In this signature block, does the person marked [[ ]] sign for themselves, as a party to the "
               "agreement, rather than as an officer on behalf of a company?")


def _marked(doc: DocText, start: int, end: int, before: int = 240, after: int = 120) -> str:
    """The candidate in its redacted context, ``...before [[candidate]] after...``: from safe_window only."""
    text = doc.safe_window(start - before, start) + "[[" + doc.safe_window(start, end) + "]]" + doc.safe_window(end, end + after)
    return " ".join(text.split())


def _prompt(context: str, question: str) -> str:
    return f"Text: ...{context}...\n\nQuestion: {question} Answer Yes or No."


def _slm_yes(runtime, prompts: list[str]) -> list[float] | None:
    """P(Yes) for each prompt from the model's log-likelihoods of 'Yes' and 'No' (one batched call);
    None without a runtime or when the model is unavailable (the rules decide)."""
    if runtime is None or not prompts:
        return None
    from extraction.slm.errors import SLMError

    try:
        results = runtime.score_batch([(p, ["Yes", "No"]) for p in prompts])
    except SLMError:
        return None
    return [r.probabilities()[0] for r in results]


def _slm_choose(doc: DocText, cands: list[Candidate], question: str, runtime, top, conf, shown, threshold=1.0):
    """When two values compete with close rule scores, let the SLM vote on each (a short redacted window
    around the best mention of each value); the choice is rule score + weighted vote. A value the rules
    would accept on their own is left alone (the model is consulted only below the field's threshold)."""
    if top is None or runtime is None or conf >= threshold:
        return top, conf, shown, "rule"
    best: dict = {}
    for c in cands:
        if c.value not in best or c.score > best[c.value].score:
            best[c.value] = c
    ranked = sorted(best.values(), key=lambda c: -c.score)[:3]
    if len(ranked) < 2 or ranked[1].score < 0.5 or top.score - ranked[1].score > 0.12:
        return top, conf, shown, "rule"
    prompts = []
    for c in ranked:
        start = doc.global_offset(c.span)
        prompts.append(_prompt(_marked(doc, start, start + (c.span.end - c.span.start)), question))
    votes = _slm_yes(runtime, prompts)
    if votes is None:
        return top, conf, shown, "rule"
    mean = sum(votes) / len(votes)
    combined = [c.score + _SLM_WEIGHT * (v - mean) for c, v in zip(ranked, votes)]
    i = max(range(len(ranked)), key=lambda k: combined[k])
    chosen = ranked[i]
    if chosen.value != top.value:
        conf = min(conf, 0.6)
    shown = [{"value": c.value, "score": round(c.score, 3), "slm_yes": round(v, 3)} for c, v in zip(ranked, votes)]
    return chosen, conf, shown, "slm"


def extract(doc: DocText, runtime=None) -> dict[str, FieldResult]:
    """The four NDA fields. ``runtime`` (``extraction.slm.runtime`` or None) lets the SLM settle close calls."""
    results: dict[str, FieldResult] = {}

    cands = _date_candidates(doc)
    _trust_letter_date(doc, cands)
    top, conf, shown = _choose_date(cands)
    top, conf, shown, method = _slm_choose(doc, cands, _ASK_DATE, runtime, top, conf, shown,
                                            THRESHOLDS["effective_date"])
    if top:
        results["effective_date"] = _single("effective_date", top, conf, shown, doc, method)

    top, conf, shown = _choose(_jurisdiction_candidates(doc))
    if top:
        results["jurisdiction"] = _single("jurisdiction", top, conf, shown, doc)

    party = _party_result(doc, runtime)
    if party:
        results["party"] = party

    cands = _term_candidates(doc)
    top, conf, shown = _choose_term(cands)
    top, conf, shown, method = _slm_choose(doc, cands, _ASK_TERM, runtime, top, conf, shown, THRESHOLDS["term"])
    if top:
        results["term"] = _single("term", top, conf, shown, doc, method)

    for name, result in results.items():
        decide(result, THRESHOLDS[name])
    return results
