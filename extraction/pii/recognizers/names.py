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
from .base import PROPER_NOUN_TAGS, lowercase_text

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
# Words that end a name: they make it a band, a law, a club ("Davis Orchestra").
_GROUP_WORDS = {"orchestra", "band", "club", "act", "company", "group", "society", "foundation",
                "university", "college", "school", "hospital", "bank", "church", "street", "road",
                "avenue", "country", "city", "county", "state", "river", "lake", "mount", "royal",
                "inc", "ltd", "llc", "corp", "corporation", "partners", "technologies", "systems"}
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
        from spacy.lang.en.stop_words import STOP_WORDS
        self.stop = STOP_WORDS

    def load(self) -> None:
        pass

    def _common(self, lw: str, english) -> bool:
        return lw in _NOT_NAMES or lw in self.stop or gazetteers.is_common_word(lw)

    def _extend(self, doc, i: int, lower_doc: bool, english) -> tuple[int, bool]:
        """End of the name starting at token i, and whether a surname-like word was taken."""
        n, j, surname = len(doc), i + 1, False
        while j < n and j - i < 5:
            nxt = doc[j].text
            lnx = nxt.lower()
            if (nxt in ("-", "'", "’") and j + 1 < n and not doc[j - 1].whitespace_
                    and not doc[j].whitespace_ and _shaped(doc[j + 1].text, lower_doc)):
                j += 2
                continue
            if "\n" in doc[j - 1].whitespace_ or "\n" in nxt:
                break
            if (_initial(nxt) or (lower_doc and len(nxt) == 1 and nxt.isalpha())) and j + 1 < n \
                    and _shaped(doc[j + 1].text.rstrip("."), lower_doc) or nxt == "." and len(doc[j - 1].text) == 1:
                j += 1
                continue
            if lnx in _PARTICLES and j + 1 < n and doc[j + 1].text[:1].isupper():
                j += 1
                continue
            if _shaped(nxt, lower_doc) and lnx not in _NOT_NAMES and lnx not in _GROUP_WORDS \
                    and not doc[j].is_stop:
                common = self._common(lnx, english)
                if not common or (not lower_doc and (doc[j].tag_ in PROPER_NOUN_TAGS or lnx in self.first)):
                    j += 1
                    surname = True
                    continue
            break
        while j - 1 > i and (doc[j - 1].text.lower() in _PARTICLES or doc[j - 1].text in ("-", "'", ".")
                             or len(doc[j - 1].text) == 1):
            j -= 1
        return j, surname

    def analyze(self, text, entities, nlp_artifacts=None):
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        doc = nlp_artifacts.tokens
        english = gazetteers.english_words(nlp_artifacts.nlp_engine.get_nlp("en")
                                           if nlp_artifacts.nlp_engine else None)
        places = gazetteers.places()
        lower_doc = lowercase_text(text)
        out = []
        i, n = 0, len(doc)
        while i < n:
            tok = doc[i]
            w, lw = tok.text, tok.text.lower()
            if not _shaped(w, lower_doc) or lw in _NOT_NAMES or lw in _GROUP_WORDS or tok.is_stop:
                i += 1
                continue
            before = text[max(0, tok.idx - 40):tok.idx]
            common = self._common(lw, english)
            first = lw in self.first or any(p in self.first for p in lw.split("-") if len(p) > 2)
            propn = tok.tag_ in PROPER_NOUN_TAGS
            j, surname = self._extend(doc, i, lower_doc, english)
            if _TITLE.search(before) or (_CONTEXT.search(before) and (not common or propn or surname)):
                score = 0.85
            elif first and surname:
                score = 0.8
            elif first and not common:
                score = 0.7
            elif first and propn and not lower_doc:
                # "Scott", but also "Love", "Princess": spaCy's PERSON has to agree.
                score = 0.45
            elif not lower_doc and propn and not common and lw not in places and w[0].isupper() \
                    and not w.isupper() and len(w) > 2:
                # An unknown capitalised word the tagger calls a proper noun: a
                # foreign name more often than not, stronger with a second one.
                score = 0.65 if surname else 0.5
            else:
                i += 1
                continue
            last = doc[j - 1]
            out.append(RecognizerResult("PERSON", tok.idx, last.idx + len(last.text), score))
            i = j
        return out
