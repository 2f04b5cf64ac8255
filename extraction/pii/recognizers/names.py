"""Person names from a first-name gazetteer, name-introducing context and titles.

spaCy's small English model misses most non-English names ("Kriszti\u00e1n
Sz\u00f6ll\u00f6sy", "Siiri") and every lower-case one. A known first name that
is not also an English word, or any name-shaped word right after "my name is",
"Dear", "Mr." and the like, starts a name; it grows over following surnames,
initials and particles ("Willemine ten Pas", "Ravil G Yefimov").
"""
from __future__ import annotations

import regex as re
from presidio_analyzer import EntityRecognizer, RecognizerResult

from .. import gazetteers

_CONTEXT = re.compile(
    r"(?:\bname(?:\s+(?:is|was|on\s+the\s+\w+\s+is))?\s*[:\-]?"
    r"|\b(?:i'?m|i\s+am|this\s+is|call\s+me|dear|hi|hello|hey|thanks|thank\s+you|regards|"
    r"sincerely|signed|named|called|holder|patient|applicant|insured|policyholder|"
    r"beneficiary|employee|customer|client|physician|attn|attention|"
    r"mr|mrs|ms|miss|mx|dr|prof|sir|madam|mme|mlle|herr|frau|sr|sra|srta)\.?,?)\s*$",
    re.IGNORECASE,
)
_TITLE = re.compile(r"\b(?:mr|mrs|ms|miss|mx|dr|prof|sir|mme|mlle|herr|frau|sr|sra|srta)\.?\s*$",
                    re.IGNORECASE)
_PARTICLES = {"van", "von", "de", "der", "den", "ten", "ter", "da", "di", "del", "della", "dos",
              "das", "do", "du", "le", "la", "bin", "ibn", "al", "el", "mac", "st", "y", "e"}
_NOT_NAMES = {"i", "a", "the", "my", "mr", "mrs", "ms", "dr", "dear", "hi", "hello", "thanks",
              "name", "phone", "email", "address", "bot", "user", "agent", "customer", "date",
              "card", "account", "yes", "no", "ok", "okay", "please", "sir", "madam", "mobile",
              "desk", "fax", "office", "zip", "iban", "ssn", "website", "personal", "info",
              "january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december", "monday", "tuesday",
              "wednesday", "thursday", "friday", "saturday", "sunday", "nan", "street"}
_SENTENCE_END = {".", "!", "?", "\n", ":", '"', "(", "-", "—", "–"}


def _shaped(word: str, lower_ok: bool) -> bool:
    core = word.replace("'", "").replace("’", "").replace("-", "")
    if not core.isalpha() or len(core) < 2:
        return False
    if word[0].isupper():
        return word[1:].islower() or word.isupper() or any(c.isupper() for c in word[1:]) and word[1:2].islower()
    return lower_ok and word.islower()


def _initial(word: str) -> bool:
    return (len(word) == 1 and word.isupper()) or (len(word) == 2 and word[0].isupper() and word[1] == ".")


class NameRecognizer(EntityRecognizer):
    def __init__(self):
        super().__init__(supported_entities=["PERSON"], name="NameRecognizer", supported_language="en")
        self.first = gazetteers.first_names()

    def load(self) -> None:
        pass

    def _common(self, lw: str, english) -> bool:
        return lw in english or lw in _NOT_NAMES

    def analyze(self, text, entities, nlp_artifacts=None):
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        doc = nlp_artifacts.tokens
        english = gazetteers.english_words(nlp_artifacts.nlp_engine.get_nlp("en")
                                           if nlp_artifacts.nlp_engine else None)
        letters = [c for c in text if c.isalpha()]
        lower_doc = bool(letters) and sum(c.islower() for c in letters) > 0.9 * len(letters)
        out = []
        i, n = 0, len(doc)
        while i < n:
            tok = doc[i]
            w, lw = tok.text, tok.text.lower()
            if not _shaped(w, lower_doc) or lw in _NOT_NAMES:
                i += 1
                continue
            before = text[max(0, tok.idx - 40):tok.idx]
            ctx = bool(_CONTEXT.search(before))
            titled = bool(_TITLE.search(before))
            common = self._common(lw, english)
            first = lw in self.first or any(p in self.first for p in lw.split("-") if len(p) > 2)
            sent_start = i == 0 or doc[i - 1].text.strip() in _SENTENCE_END or not doc[i - 1].text.strip()
            propn = tok.pos_ == "PROPN"
            if titled or (ctx and (not common or propn)):
                score = 0.85
            elif first and not common and (w[0].isupper() or lower_doc):
                score = 0.7
            elif first and propn and w[0].isupper() and not sent_start:
                score = 0.6
            else:
                i += 1
                continue
            j = i + 1
            while j < n and j - i < 5:
                nxt = doc[j].text
                lnx = nxt.lower()
                if (nxt in ("-", "'", "’") and j + 1 < n and not doc[j - 1].whitespace_
                        and not doc[j].whitespace_ and _shaped(doc[j + 1].text, lower_doc)):
                    j += 2
                    continue
                if _initial(nxt) or (nxt == "." and doc[j - 1].text.isupper() and len(doc[j - 1].text) == 1):
                    j += 1
                    continue
                if lnx in _PARTICLES and j + 1 < n and doc[j + 1].text[:1].isupper():
                    j += 1
                    continue
                if "\n" in doc[j - 1].whitespace_ or "\n" in nxt:
                    break
                if _shaped(nxt, lower_doc) and lnx not in _NOT_NAMES and (
                        doc[j].pos_ == "PROPN" or not self._common(lnx, english)
                        or (nxt[0].isupper() and lnx in self.first)):
                    if lower_doc and self._common(lnx, english):
                        break
                    j += 1
                    continue
                break
            while j - 1 > i and (doc[j - 1].text.lower() in _PARTICLES or doc[j - 1].text in ("-", "'")):
                j -= 1
            if j - i > 1:
                score = max(score, 0.8)
            last = doc[j - 1]
            out.append(RecognizerResult("PERSON", tok.idx, last.idx + len(last.text), score))
            i = j
        return out
