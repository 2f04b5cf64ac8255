"""IBAN, payment card and EU VAT number recognizers, checksum-validated."""
from __future__ import annotations

import re

from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.eu import vat as eu_vat

from .base import RegexRecognizer, rule

_NON_ALNUM = re.compile(r"[^0-9A-Za-z]")


def _compact(value: str) -> str:
    return _NON_ALNUM.sub("", value).upper()


def _iban_ok(value: str) -> bool:
    return std_iban.is_valid(_compact(value))


def _card_ok(value: str) -> bool:
    digits = _compact(value)
    return 12 <= len(digits) <= 19 and luhn.is_valid(digits) and len(set(digits)) > 1


def _vat_ok(value: str) -> bool:
    return eu_vat.is_valid(_compact(value))


def iban() -> RegexRecognizer:
    shape = r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b"
    return RegexRecognizer("IBAN_CODE", [
        rule(shape, 0.95, validate=_iban_ok),
        # Documents quote invented or mistyped IBANs: trust the shape next to the word.
        rule(shape, 0.3, context=r"\b(?:iban|account|bank|transfer)\b", context_boost=0.4,
             needs_context=True, validate=lambda v: not _iban_ok(v) and len(_compact(v)) >= 15),
    ])


def credit_card() -> RegexRecognizer:
    shape = r"(?<![\d-])\d{4}(?:[ -]?\d{2,4}){2,4}(?:[ -]?\d{1,3})?(?![\d-])"
    return RegexRecognizer("CREDIT_CARD", [
        rule(shape, 0.75, validate=_card_ok,
             context=r"\b(?:card|credit|debit|visa|master ?card|amex|cc|payment)\b",
             context_boost=0.2),
    ])


def eu_vat_number() -> RegexRecognizer:
    prefixes = "AT|BE|BG|CY|CZ|DE|DK|EE|EL|GR|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI|GB"
    return RegexRecognizer("EU_VAT", [
        rule(rf"\b(?:{prefixes})[ -]?[0-9A-Z](?:[ .-]?[0-9A-Z]){{6,13}}\b", 0.85, flags=0,
             validate=_vat_ok),
    ])
