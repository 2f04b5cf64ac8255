"""Countries, US states and towns (1,000+ inhabitants) by gazetteer lookup.

A place that is also an English word ("Bath", "Mobile") needs the tagger to
call it a proper noun away from the start of a sentence.
"""
from __future__ import annotations

from presidio_analyzer import EntityRecognizer, RecognizerResult

from .. import gazetteers
from .base import PROPER_NOUN_TAGS, lowercase_text

_MAX_WORDS = 4
_SKIP = {"nan", "street", "road", "apt", "suite", "box", "unit", "date", "name", "phone", "email",
         "mobile", "office", "desk", "fax", "home", "mr", "mrs", "dr", "ms", "bot", "user", "iban",
         "zip", "card", "ssn", "university", "college", "school", "hospital", "bank"}


def _capitalised(word: str, lower_doc: bool) -> bool:
    if not word[:1].isalpha():
        return False
    return word[0].isupper() or lower_doc


class PlaceRecognizer(EntityRecognizer):
    def __init__(self):
        super().__init__(supported_entities=["LOCATION"], name="PlaceRecognizer", supported_language="en")
        self.places = gazetteers.places()
        self.countries = gazetteers.countries()

    def load(self) -> None:
        pass

    def analyze(self, text, entities, nlp_artifacts=None):
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        doc = nlp_artifacts.tokens
        lower_doc = lowercase_text(text)
        out = []
        i, n = 0, len(doc)
        while i < n:
            tok = doc[i]
            if not _capitalised(tok.text, lower_doc) or tok.text.lower() in _SKIP:
                i += 1
                continue
            found = 0
            for k in range(min(_MAX_WORDS, n - i), 0, -1):
                span = doc[i:i + k]
                if "\n" in span.text:
                    continue
                last = doc[i + k - 1]
                if not last.text[:1].isalpha() or (not lower_doc and not last.text[0].isupper()):
                    continue
                key = span.text.lower()
                if key not in self.places:
                    continue
                if key in self.countries:
                    score = 0.8
                elif k == 1 and (len(key) < 4 or gazetteers.is_common_word(key)):
                    sent_start = i == 0 or doc[i - 1].text.strip() in {".", "!", "?", ""}
                    if tok.tag_ not in PROPER_NOUN_TAGS or sent_start or lower_doc or tok.is_stop:
                        continue
                    score = 0.55
                else:
                    score = 0.65
                out.append(RecognizerResult("LOCATION", span.start_char, span.end_char, score))
                found = k
                break
            i += found or 1
        return out
