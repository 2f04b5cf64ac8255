"""Whether a candidate's value is the one a label gives: how training finds its positive examples.

Labels come as people wrote them (a date as 25/12/2018, an address with the shop's punctuation),
candidates normalised; each kind compares in its own terms. Free text ignores case, spacing and
punctuation; when finding training examples it also forgives one character in twenty (OCR misreads),
but never when measuring.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

from extraction.fields.general.kinds import Kind
from extraction.fields.nda.term import TERM_RE, term_value
from extraction.fields.normalize import normalize_amount, normalize_date, normalize_currency
from extraction.fields.places import canonical_place

FUZZY_RATIO = 0.95


def _letters_digits(value) -> str:
    return re.sub(r"[\W_]+", "", str(value).casefold())


def _duration(value) -> str | None:
    match = TERM_RE.search(str(value))
    return term_value(match) if match else None


def same_value(kind: Kind, label, value, *, fuzzy: bool = False) -> bool:
    """Whether ``value`` is ``label``; ``fuzzy`` (for finding training examples) forgives OCR misreads in free text."""
    if label in (None, "") or value in (None, ""):
        return False
    if kind is Kind.DATE:
        return normalize_date(str(label)) == value
    if kind is Kind.AMOUNT:
        return normalize_amount(str(label)) == value
    if kind is Kind.CURRENCY:
        return (normalize_currency(str(label)) or str(label).upper()) == value
    if kind is Kind.DURATION:
        return (_duration(label) or _letters_digits(label)) == value
    if kind is Kind.PLACE:
        return canonical_place(str(label)).casefold() == str(value).casefold()
    a, b = _letters_digits(label), _letters_digits(value)
    if a == b:
        return True
    return fuzzy and kind is Kind.TEXT and len(a) >= 8 and SequenceMatcher(None, a, b).ratio() >= FUZZY_RATIO


def matches_label(kind: Kind, label, value) -> bool:
    """``same_value`` against a label that may be a list (any of its items)."""
    labels = label if isinstance(label, list) else [label]
    return any(same_value(kind, item, value, fuzzy=True) for item in labels)


def same_values(kind: Kind, labels: list, values: list) -> bool:
    """Whether two lists of values are the same values (a list field's items, in any order)."""
    return len(values) == len(labels) and all(any(same_value(kind, label, value) for value in values) for label in labels)


def matched_items(kind: Kind, labels: list, values: list) -> tuple[int, int]:
    """(how many of ``labels`` ``values`` holds, how many of ``values`` match no label): a list field scored
    item by item, as the evaluation scores lists (each value matches one label at most)."""
    left, hits = list(values), 0
    for wanted in labels:
        hit = next((v for v in left if same_value(kind, wanted, v)), None)
        if hit is not None:
            left.remove(hit)
            hits += 1
    return hits, len(left)
