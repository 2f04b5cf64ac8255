"""US SSN, driver's licence and labelled identifier numbers.

Driver's licence numbers have no shape of their own (Presidio's default US
pattern matches ordinary words), so they are only taken right after the label.
"""
from __future__ import annotations

import re

from .base import RegexRecognizer, rule


def _ssn_ok(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    if len(digits) != 9 or len(set(digits)) == 1:
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def us_ssn() -> RegexRecognizer:
    ctx = r"\b(?:ssn|social security|social sec|ss#|ss no)\b"
    return RegexRecognizer("US_SSN", [
        rule(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])", 0.6, validate=_ssn_ok, context=ctx,
             context_boost=0.35),
        rule(r"(?<![\d-])\d{3} \d{2} \d{4}(?![\d-])", 0.3, validate=_ssn_ok, context=ctx,
             context_boost=0.5, needs_context=True),
        rule(r"(?<![\d-])\d{9}(?![\d-])", 0.3, validate=_ssn_ok, context=ctx,
             context_boost=0.5, needs_context=True),
        # A masked SSN still identifies with the last four digits.
        rule(r"(?<![\w*])[*xX#]{3}-[*xX#]{2}-\d{4}\b", 0.7),
    ])


def us_driver_license() -> RegexRecognizer:
    return RegexRecognizer("US_DRIVER_LICENSE", [
        rule(r"\b(?:driver'?s?|driving)\s+licen[cs]e(?:\s+(?:number|no\.?|num|#|id))?"
             r"(?:\s+(?:is|was))?\s*[:#]?\s*(?P<pii>(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,18}[A-Z0-9])\b",
             0.85),
    ])


# Labels under which finance and insurance documents print identifiers of a person.
_ID_LABELS = (
    r"account|acct|policy|claim|member|membership|licen[cs]e|passport|customer|client|patient|"
    r"tax(?:payer)?|national|identification|identity|id|ref(?:erence)?|group|insurance|"
    r"social insurance|sin|national insurance|nino|routing|sort code|employee|student|"
    r"application|case|file|contract|loan|mortgage|booking|registration|card"
)


def id_number() -> RegexRecognizer:
    return RegexRecognizer("ID_NUMBER", [
        rule(rf"\b(?:{_ID_LABELS})\s*(?:number|no\.?|num|nr\.?|#|id|code)?\s*(?:is|was)?\s*[:#]?\s*"
             r"(?P<pii>(?-i:[A-Z]{1,4}[- ]?)?(?=[\d -]*\d{4})\d[\d-]*(?: \d[\d-]*){0,4}(?-i:[- ]?[A-Z]{1,3})?)\b",
             0.6),
    ])
