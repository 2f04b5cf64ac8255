"""Dates, dates of birth and ages.

Only the number of an age is personal data ("This 79 year old"): the span is
narrowed to it, which is also what keeps "79 year old" from being a date.
"""
from __future__ import annotations

from .base import RegexRecognizer, rule

MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
NUMERIC_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
ISO_DATE = r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?"
TEXT_DATE = (rf"(?:\d{{1,2}}(?:st|nd|rd|th)?(?: of)? {MONTH},? \d{{4}}|{MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}"
             rf"|{MONTH} \d{{4}})")
ANY_DATE = rf"(?:{ISO_DATE}|{NUMERIC_DATE}|{TEXT_DATE})"
WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"

_BIRTH = r"\b(?:born|birth|dob|d\.o\.b|birthday|date of birth|geboren|né|née)\b"


def _year_ok(value: str) -> bool:
    return 1900 <= int(value) <= 2100


def dates() -> RegexRecognizer:
    return RegexRecognizer("DATE_TIME", [
        rule(rf"(?<![\w/.-]){ANY_DATE}(?![\w/-]|\.\d)", 0.6),
        rule(r"(?<![\w:])\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?(?![\w:])", 0.4,
             context=r"\b(?:at|time|when|from|until|till|by)\b", context_boost=0.2),
        rule(rf"\b{WEEKDAY}\b", 0.55),
        # A bare year is a date only where the sentence says so.
        rule(r"\b(?:in|since|during|of|from|until|year|founded|established|born|circa|c\.)\s+"
             r"(?P<pii>\d{4})\b(?!\s*(?:[-/]|\w))", 0.6, validate=_year_ok),
    ])


def dates_of_birth() -> RegexRecognizer:
    return RegexRecognizer("DATE_OF_BIRTH", [
        rule(rf"(?<![\w/.-]){ANY_DATE}(?![\w/-])", 0.3, context=_BIRTH, context_boost=0.6,
             needs_context=True, before=40),
    ])


def _age_ok(value: str) -> bool:
    return 0 < int(value) < 125


def ages() -> RegexRecognizer:
    n = r"(?P<pii>\d{1,3})"
    return RegexRecognizer("AGE", [
        rule(rf"\b{n}(?:[- ]?(?:years?|yrs?)[- ]old\b|\s?(?:y/?o|yo)\b|[- ]years?[- ]of[- ]age\b)", 0.85,
             validate=_age_ok),
        rule(rf"\b(?:turned|turns|turn|turning|aged|age of|age:|age is|aged:)\s*{n}\b(?![-/.:]\d)", 0.75,
             validate=_age_ok),
        # "I'm 31", "he was 64", "is a 35 ..." followed by nothing that makes it a quantity.
        rule(rf"\b(?:i'?m|i am|he'?s|she'?s|he is|she is|he was|she was|is a|was a)\s+{n}"
             r"(?=\s*(?:[,.!?;]|$|and\b|when\b|now\b|today\b|years?\b|-?year|\bmale\b|\bfemale\b|"
             r"\bman\b|\bwoman\b|\bboy\b|\bgirl\b))", 0.65, validate=_age_ok),
    ])
