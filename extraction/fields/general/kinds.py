"""What kind of value a field holds, read from its JSON Schema.

The schema's ``format``, ``x-validators``, ``pattern`` and ``type`` decide; never the type's or the
field's name. A field whose schema says only "a string" (as an admin may well write it) has its
kind read from its description instead. The kind picks the candidate generator (candidates.py).
"""
from __future__ import annotations

from enum import Enum

import numpy as np


class Kind(str, Enum):
    DATE = "date"
    AMOUNT = "amount"
    CURRENCY = "currency"
    EMAIL = "email"
    DURATION = "duration"
    PLACE = "place"
    IDENTIFIER = "identifier"
    TEXT = "text"  # names, addresses, free-text lines


_BY_VALIDATOR = [
    ("calendar_date", Kind.DATE), ("amount", Kind.AMOUNT), ("currency", Kind.CURRENCY), ("email", Kind.EMAIL),
    ("duration", Kind.DURATION), ("known_place", Kind.PLACE),
    ("iban", Kind.IDENTIFIER), ("luhn", Kind.IDENTIFIER), ("vat_id", Kind.IDENTIFIER),
]
_BY_FORMAT = {"date": Kind.DATE, "date-time": Kind.DATE, "email": Kind.EMAIL, "duration": Kind.DURATION}


def item_schema(prop: dict) -> dict:
    """The schema of one value: the items of a list field, else the field itself."""
    if prop.get("type") == "array" and isinstance(prop.get("items"), dict):
        return {**prop["items"], "x-validators": prop.get("x-validators", prop["items"].get("x-validators", []))}
    return prop


def declared_kind(prop: dict) -> Kind | None:
    """The kind the schema states; None when it says no more than "a string"."""
    schema = item_schema(prop)
    validators = schema.get("x-validators") or []
    for validator, kind in _BY_VALIDATOR:
        if validator in validators:
            return kind
    if schema.get("format") in _BY_FORMAT:
        return _BY_FORMAT[schema["format"]]
    if schema.get("type") in ("number", "integer"):
        return Kind.AMOUNT
    if schema.get("pattern"):
        return Kind.IDENTIFIER
    return None


def kind_of(prop: dict) -> Kind:
    """The kind from the schema alone: free text where it states none."""
    return declared_kind(prop) or Kind.TEXT


# A few words on each kind, for reading a field's kind from its description: the encoder compares them
# with the field's name and description, and the most similar says the kind.
# A party is a name too: "bound parties: Parties." read as a place (0.30 against free text's 0.09) and its lists of
# zero-shot parties were all wrong; "counterparties", "participants" read as free text but not as names.
NAME_WORDS = ("name: the name of a person or company", "party: a person or organisation named in the document")
KIND_WORDS = {
    Kind.DATE: ("date: the day, month and year when something happened",),
    Kind.AMOUNT: ("amount: a sum of money, a price or total",),
    # A currency reads close to an amount: the ISO 4217 code's three letters tell them apart. With "the money's
    # currency code, such as USD or EUR", "money: The currency of the sums, as a three-letter code." stood 0.077
    # above "amount" on one machine's int8 encoder and more than 0.08 on another's: free text on the first.
    Kind.CURRENCY: ("currency: a three-letter currency code, such as USD, EUR or GBP",),
    Kind.DURATION: ("duration: how long something lasts, a period of years or months",),
    # A contract's governing law is a place too: "governing law: Governing law." read as free text with the first words
    # alone (its zero-shot jurisdiction right on 2 of 80 NDAs); no other field of the shipped or renamed types moves.
    Kind.PLACE: ("place: a state or country", "jurisdiction: the state or country whose law governs"),
    # A tax or company registration number reads as much like free text as like a reference: "seller_tax_id: The
    # supplier's VAT registration number." stood 0.02 above free text with the first words alone; no other field of
    # the shipped or renamed types moves but a tax form's "tax_id" (free text before, an identifier now).
    Kind.IDENTIFIER: ("number: a reference number or code", "identification number: a registration or ID code"),
    Kind.EMAIL: ("e-mail address",),
    Kind.TEXT: NAME_WORDS + ("address: a street address", "text: a description or title"),
}
# A kind other than free text must be this much more similar than any other kind. Free text is what a
# doubtful field keeps: its candidates are every line and name, while a typed kind sees only its values.
# Chosen on the shipped types' fields (their schemas state the kind): at 0.08, the wrong readings left
# there all fall back to free text (an end date closer to "duration" than to "date" by 0.04).
KIND_MARGIN = 0.08
# Above free text by KIND_MARGIN, a typed kind needs a smaller lead over the other typed kinds: two typed kinds
# close together still say the field is not free text. "issued: Issue date." stood 0.08 above an identifier and
# read as free text (zero-shot's dates all wrong: a line is never a date). On three lists of field names and
# descriptions (the shipped and renamed types' with a first set of our own, 109; two sets written after, 43 and 26),
# kinds right 102 -> 103, 36 -> 38, 19 -> 21, and no field right before is wrong now.
TYPED_KIND_MARGIN = 0.04
# What a field asking for an address reads like: more specific than the free-text words' "a street address", which
# "Who the letter is addressed to" reads close to (+0.15 over the name words with those; +0.01 with these).
ADDRESS_WORDS = "postal address: street, number, town and postcode"
# What an amount asks for: most ask for the whole amount charged, tax included; some for the amount before tax is
# added. "net: The sum before tax is added." reads 0.15 closer to the first words, "amount untaxed: Total before tax."
# 0.06; every total, amount paid, pay and claim of the shipped and renamed types reads closer to the second.
BEFORE_TAX_WORDS = "amount before tax: the net subtotal, without tax"
WITH_TAX_WORDS = "total: the whole amount due, tax included"
BEFORE_TAX_MARGIN = 0.05
_similarities: dict[str, dict[str, float]] = {}


def _similarity(query: str, encode) -> dict[str, float]:
    """The cosine similarity of ``query`` with each of the KIND_WORDS, computed once per query."""
    if query not in _similarities:
        words = [text for texts in KIND_WORDS.values() for text in texts] + [ADDRESS_WORDS, BEFORE_TAX_WORDS, WITH_TAX_WORDS]
        vectors = encode([query] + words)
        norms = np.linalg.norm(vectors, axis=1)
        norms[norms == 0] = 1.0
        unit = vectors / norms[:, None]
        _similarities[query] = {text: float(unit[0] @ vector) for text, vector in zip(words, unit[1:])}
    return _similarities[query]


def described_kind(query: str, encode) -> Kind:
    """The kind a field's name and description (``query``) read as, by the encoder ``encode``
    (texts -> vectors); free text unless one typed kind stands clearly above the others."""
    similarity = _similarity(query, encode)
    by_kind = {kind: max(similarity[text] for text in texts) for kind, texts in KIND_WORDS.items()}
    best, *others = sorted((kind for kind in by_kind if kind is not Kind.TEXT), key=by_kind.get, reverse=True)
    clear_of_text = by_kind[best] - by_kind[Kind.TEXT] >= KIND_MARGIN
    return best if clear_of_text and by_kind[best] - max(by_kind[k] for k in others) >= TYPED_KIND_MARGIN else Kind.TEXT


def asks_for_names(query: str, encode) -> bool:
    """Whether a free-text field reads as the name of people or organisations, clearly more than as an
    address or other text (a party, a seller, a patient; not an address, a subject or a diagnosis). Its
    kind is free text already, so only the free-text words are compared."""
    similarity = _similarity(query, encode)
    others = [similarity[text] for text in KIND_WORDS[Kind.TEXT] if text not in NAME_WORDS]
    return max(similarity[text] for text in NAME_WORDS) - max(others) >= KIND_MARGIN


def asks_for_address(query: str, encode) -> bool:
    """Whether a free-text field reads as a postal address, clearly more than as a name or other text (a shop's
    address, a delivery address; not a recipient, a party or a subject)."""
    similarity = _similarity(query, encode)
    return similarity[ADDRESS_WORDS] - max(similarity[text] for text in NAME_WORDS + KIND_WORDS[Kind.TEXT][-1:]) >= KIND_MARGIN


def asks_for_amount_before_tax(query: str, encode) -> bool:
    """Whether an amount field reads as the amount before tax (a net subtotal), not the whole amount charged."""
    similarity = _similarity(query, encode)
    return similarity[BEFORE_TAX_WORDS] - similarity[WITH_TAX_WORDS] >= BEFORE_TAX_MARGIN


NAMES, ADDRESS, BEFORE_TAX = "names", "an address", "the amount before tax"


def reading(kind: Kind, query: str, encode) -> str | None:
    """What a field of ``kind`` asks for, as zero-shot weighs it: free text NAMES or an ADDRESS, an amount BEFORE_TAX;
    None for anything else (other text, the whole amount charged, other kinds)."""
    if kind is Kind.TEXT:
        return NAMES if asks_for_names(query, encode) else ADDRESS if asks_for_address(query, encode) else None
    if kind is Kind.AMOUNT:
        return BEFORE_TAX if asks_for_amount_before_tax(query, encode) else None
    return None


def field_kind(prop: dict, query: str, encode=None) -> Kind:
    """The field's kind: what its schema states, else what its description reads as (``encode``: the
    encoder; without one, free text)."""
    declared = declared_kind(prop)
    if declared is not None or encode is None:
        return declared or Kind.TEXT
    return described_kind(query, encode)
