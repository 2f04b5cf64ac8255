"""What kind of value a field holds, read from its JSON Schema alone.

The schema's ``format``, ``x-validators``, ``pattern`` and ``type`` decide; never the type's or the
field's name. The kind picks the candidate generator (candidates.py).
"""
from __future__ import annotations

from enum import Enum


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


def kind_of(prop: dict) -> Kind:
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
    return Kind.TEXT
