"""The NDA's jurisdiction: the place whose laws govern it ("governed by the laws of the State of X")."""
from __future__ import annotations

import re
from collections import defaultdict

from extraction.evidence import DocText
from extraction.fields.nda.common import _WS, _value_key
from extraction.fields.places import COUNTRIES, US_STATES, canonical_place, place_alternation
from extraction.fields.result import Candidate

# Every known place (extraction/fields/places.py). Many are also common words or parts of other names
# (Victoria, Georgia, Washington): the patterns below take one only after a legal cue ("laws of",
# "State of", "governed by X law").
_PLACE_RE = place_alternation(US_STATES + COUNTRIES)
_CANON_PLACE = {p.casefold(): canonical_place(p) for p in US_STATES + COUNTRIES}

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


def _choose_jurisdiction(cands: list[Candidate]) -> tuple[Candidate | None, float, list[dict]]:
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
    tied = False
    if len(ranked) > 1:
        rival = best_per[ranked[1]]
        tied = rival.score >= top.score - 0.05
        if tied:
            # two places named as strongly (a split governing-law clause): a person picks; below
            # the field's threshold whatever it is set to
            confidence = min(confidence, 0.4)
        elif rival.score >= 0.7:
            confidence = min(confidence, top.score - 0.5 * (rival.score - 0.4))
    # agreement among several mentions adds a little
    same = sum(1 for c in cands if _value_key(c.value) == ranked[0])
    if same > 1 and not tied:
        confidence = min(0.99, confidence + 0.02 * (same - 1))
    shown = [{"value": best_per[k].value, "score": round(best_per[k].score, 3)} for k in ranked[:5]]
    return top, max(0.0, min(1.0, confidence)), shown
