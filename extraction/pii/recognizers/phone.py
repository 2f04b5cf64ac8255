"""Phone numbers in national and international layouts.

A digit run alone is weak evidence (zip codes, amounts, ids look alike), so the
score comes from the layout (+country code, (area), 3+ separated groups,
extension) and from a phone word before or after the number.
"""
from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult

_CANDIDATE = re.compile(
    r"(?<![\w+/.:-])"
    r"(?P<num>(?:\+|00)?\(?\+?\d[\d()]*(?:[ .-]{1,2}\(?\d[\d()]*){0,6})"
    r"(?P<ext>\s?(?:x|ext\.?|#)\s?\d{1,5})?"
    r"(?![\w/-]|[.,]\d)"
)
_CONTEXT = re.compile(
    r"\b(?:phone|tel|telephone|mobile|mob|cell|cellphone|fax|desk|office|home|work|call|calling|"
    r"text|sms|whatsapp|contact|reach|answering|messages|registered|ph|hotline|dial|number)\b",
    re.IGNORECASE)
_DATE_LIKE = re.compile(r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$")
_AMOUNT = re.compile(r"^\d{1,3}(?:[,.]\d{3})*[.,]\d{2}$")


def _score(value: str, has_ext: bool) -> float:
    digits = sum(c.isdigit() for c in value)
    if not 7 <= digits <= 15 or _DATE_LIKE.match(value) or _AMOUNT.match(value):
        return 0.0
    groups = len(re.findall(r"\d+", value))
    score = 0.3
    if value.startswith(("+", "00")):
        score += 0.3
    if "(" in value:
        score += 0.2
    if groups >= 3:
        score += 0.2
    elif groups == 2:
        score += 0.1
    if has_ext:
        score += 0.2
    return min(score, 0.85)


class PhoneRecognizer(EntityRecognizer):
    def __init__(self):
        super().__init__(supported_entities=["PHONE_NUMBER"], name="PhoneRecognizer",
                         supported_language="en")

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        out = []
        for m in _CANDIDATE.finditer(text):
            value = m.group("num").rstrip("(-. ")
            score = _score(value, bool(m.group("ext")))
            if not score:
                continue
            start = m.start("num")
            end = m.end("ext") if m.group("ext") else start + len(value)
            before = text[max(0, start - 30):start]
            after = text[end:end + 12]
            if _CONTEXT.search(before) or _CONTEXT.search(after):
                score = min(1.0, score + 0.4)
            out.append(RecognizerResult("PHONE_NUMBER", start, end, score))
        return out
