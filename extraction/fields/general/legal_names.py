"""Organisations named with their legal form ("Coleman Cable, Inc.", "TEVA PHARMACEUTICAL INDUSTRIES, LTD.",
"Sony Corporation of America"): free-text candidates the PII stage misses or cuts. Its named-entity model
often takes the legal form, or the first words, as a name of their own ("Coleman Cable" a person, "Inc."
left out; "Georgia" a place and "-Pacific Corporation" an organisation), so a field that asks for a
company would never have the whole name to choose. The legal forms are a closed list, the same for any
type of document; the ranker decides whether such a name is the field's value.
"""
from __future__ import annotations

import re

# A word of a name: capitalised or a figure ("3M", "II-VI", "Landry’s", "Yahoo!").
_WORD_CHAR = r"[\w’'&!./-]"
_WORD = rf"[A-Z0-9]{_WORD_CHAR}*"
_NOT_AFTER_A_WORD_CHAR = rf"(?<!{_WORD_CHAR})"
# Words that join a name's words ("Bank of Logan", "Eli Lilly and Company"); a name never starts on one but "the".
_JOINERS = ("of", "and", "&", "for", "de", "du", "der", "von", "van")
_JOINER = "(?:%s)" % "|".join(_JOINERS + ("the",))
# Between the words of a name: spaces, or one line break (a name wrapped onto the next line).
_GAP = r"(?:[ \t\xa0]+\n?[ \t\xa0]*|\n[ \t\xa0]*)"
# Legal forms, in any case: English-speaking, European and Asian ones.
_LEGAL_FORM = (r"(?i:inc\b\.?|incorporated\b|l\.?l\.?c\b\.?|l\.?l\.?p\b\.?|ltd\b\.?|limited\b|corp\b\.?|corporation\b"
               r"|company\b|co\.|plc\b|l\.p\.|n\.a\.|gmbh\b|s\.a\.|b\.v\.|n\.v\.|s\.p\.a\.|sarl\b"
               r"|pty\.?[ \t\xa0]+ltd\b\.?|sdn\.?[ \t\xa0]+bhd\b\.?|bhd\b\.?)")
# A word of the name is not a legal form itself: "BIOSITE INC AND BECKMAN COULTER, INC." names two.
_NAME_WORD = rf"(?!{_LEGAL_FORM}(?!{_WORD_CHAR})){_WORD}"
_STARTS_WITH_LEGAL_FORM = re.compile(rf"\s*{_LEGAL_FORM}(?!{_WORD_CHAR})")
MAX_WORDS = 6  # words before the legal form; longer runs are proposed from each of their last words
_NAME = re.compile(rf"{_NOT_AFTER_A_WORD_CHAR}({_NAME_WORD}(?:{_GAP}(?:{_JOINER}{_GAP})?{_NAME_WORD}){{0,{MAX_WORDS + 2}}}),?{_GAP}"
                   rf"({_LEGAL_FORM})(?:{_GAP}of{_GAP}({_WORD}(?:{_GAP}{_WORD}){{0,2}}))?")
_WORD_START = re.compile(rf"{_NOT_AFTER_A_WORD_CHAR}{_WORD}")


def starts_with_legal_form(text: str) -> bool:
    """Whether ``text`` begins with a legal form ("CO. (M) SDN BHD" under "POPULAR BOOK"): a name never does,
    so such a text is the tail of a name cut off from its first words (on the line above, or before it)."""
    return _STARTS_WITH_LEGAL_FORM.match(text) is not None


def legal_names(text: str) -> list[tuple[int, int]]:
    """(start, end) of each organisation name written with its legal form in ``text``: from each of the
    last MAX_WORDS words before the form (where the name starts is not known: "BY AND BETWEEN BIOSITE
    INC"), ending at the form or, where "of" a place follows it, at that place too."""
    spans: set[tuple[int, int]] = set()
    for match in _NAME.finditer(text):
        if match.group(2)[0].islower():
            continue  # "a Delaware corporation": what kind of company, not its name
        name_start, name_end = match.span(1)
        ends = [match.end(2)]
        if match.group(3):  # the place, without the full stop of a sentence that ends with it
            ends.append(match.end(3) - match.group(3).endswith("."))
        # Not on a joiner ("AND Company"), but on "The" ("The Travelers Companies, Inc.").
        starts = [name_start + w.start() for w in _WORD_START.finditer(text[name_start:name_end])
                  if w.group(0).casefold() not in _JOINERS]
        for start in starts[-MAX_WORDS:]:
            spans.update((start, end) for end in ends)
    return sorted(spans)

