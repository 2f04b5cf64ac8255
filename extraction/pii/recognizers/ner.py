"""spaCy's entities, minus the false positives it is known for.

Dropped: PERSON or LOCATION containing digits, DATE_TIME that is only a
duration or a relative day ("next week", "00", "8+ years"), ORGANIZATION that
is a bare acronym of a field label ("IBAN", "SSN"), ages read as dates.
"""
from __future__ import annotations

import regex as re
from presidio_analyzer import EntityRecognizer, RecognizerResult

from .. import gazetteers

_MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_REAL_DATE = re.compile(
    rf"\d{{1,4}}[/.-]\d{{1,2}}|\b(?:{_MONTHS})[a-z]*\.?\s+\d|\d\s+(?:{_MONTHS})|\b(?:19|20)\d{{2}}\b"
    r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\d{1,2}:\d{2}",
    re.IGNORECASE,
)
_AGE_LIKE = re.compile(r"\byears?[- ]old\b|\bage\b|\by/o\b", re.IGNORECASE)
_DECADE = re.compile(r"^(?:the\s+)?(?:early\s+|late\s+|mid-?)?'?\d{2,4}s$", re.IGNORECASE)
_COMPASS = re.compile(r"(?:the\s+)?(?:(?:north|south|east|west)(?:ern)?|central|upper|lower)(?:[\s-]+(?:east|west)(?:ern)?)?\s+",
                      re.IGNORECASE)
_LABEL_ACRONYMS = {"IBAN", "SSN", "ZIP", "VAT", "DOB", "ID", "URL", "PIN", "CVV", "SWIFT", "BIC",
                   "IP", "SMS", "PO", "APO", "FPO", "DPO", "PSC", "NAN", "EMAIL", "TIN", "EIN",
                   "NHS", "DL", "ATM", "USD", "EUR", "GBP", "N/A"}


def _keep(label: str, text: str) -> bool:
    stripped = text.strip()
    if not stripped:
        return False
    if label in ("PERSON", "LOCATION", "NRP"):
        return not any(c.isdigit() for c in stripped) and stripped.upper() not in _LABEL_ACRONYMS \
            and any(c.isupper() for c in stripped) and len(stripped) > 1
    if label == "DATE_TIME":
        return bool(_REAL_DATE.search(stripped)) and not _AGE_LIKE.search(stripped) \
            and not _DECADE.match(stripped)
    if label == "ORGANIZATION":
        return stripped.upper() not in _LABEL_ACRONYMS and not stripped.isdigit() \
            and any(c.isupper() for c in stripped)
    return True


class NerRecognizer(EntityRecognizer):
    SCORES = {"PERSON": 0.75, "LOCATION": 0.7, "DATE_TIME": 0.65, "ORGANIZATION": 0.55, "NRP": 0.6}

    def __init__(self, entities):
        super().__init__(supported_entities=[e for e in self.SCORES if e in entities],
                         name="NerRecognizer", supported_language="en")

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        if nlp_artifacts is None:
            return []
        first = gazetteers.first_names()
        places = gazetteers.places()
        out = []
        for ent in nlp_artifacts.entities:
            label = ent.label_
            if label not in self.supported_entities or not _keep(label, ent.text):
                continue
            start = ent.start_char
            if label == "LOCATION":  # "Southern Poland": the region word is no part of the name
                m = _COMPASS.match(ent.text)
                start += m.end() if m and m.end() < len(ent.text) else 0
            score = self.SCORES[label]
            if len(ent) == 1 and label in ("PERSON", "LOCATION") and ent.text.lower() not in first \
                    and ent.text.lower() not in places and gazetteers.is_common_word(ent.text):
                score = 0.45  # "Discipline", "Salesperson", "Union": a capitalised word, not a name
            out.append(RecognizerResult(label, start, ent.end_char, score))
        return out
