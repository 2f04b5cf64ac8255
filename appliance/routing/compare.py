"""Whether a predicted field value matches a labelled one.

The comparison follows the rules the evaluation scorer states (../shared/eval/README.md), so
that calibration optimises what the benchmark measures:

* dates are compared as calendar dates: ISO 8601 (``2018-12-25``, optionally with a time),
  ``YYYYMMDD``, ``25 Dec 2018``, ``December 25, 2018`` and numeric ``25/12/2018`` (day first,
  month first only where day first is not a date);
* amounts as decimals to the cent, whichever of ``,`` and ``.`` is the decimal mark;
* durations as (number, unit): ``2 years`` == ``two (2) years``;
* anything else as a case-folded string of its letters and digits only.

List fields (``nda.party``) are compared item by item by :func:`match_list`.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

DATE_FIELDS = {"date", "effective_date"}
AMOUNT_FIELDS = {"total", "amount", "amount_untaxed"}
TERM_FIELDS = {"term"}


def empty(value) -> bool:
    return value is None or value == "" or value == []


def _calendar(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _full_year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _month(name: str) -> int:
    name = name[:3]
    return _MONTHS.index(name) + 1 if name in _MONTHS else 0


def as_date(value) -> date | None:
    text = str(value).strip().strip("()").lower()
    found = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[t ].*)?", text)
    if found:
        year, month, day = (int(part) for part in found.groups())
        return _calendar(year, month, day)
    found = re.fullmatch(r"(\d{8})", text)
    if found:
        digits = found.group(1)
        # YYYYMMDD, else DDMMYYYY
        return _calendar(int(digits[:4]), int(digits[4:6]), int(digits[6:])) or _calendar(
            int(digits[4:]), int(digits[2:4]), int(digits[:2])
        )
    found = re.fullmatch(r"(\d{1,2})[-/. ]+([a-z]{3})[a-z]*\.?[-/. ]+(\d{2,4})", text)
    if found:
        day, month, year = found.groups()
        return _calendar(_full_year(year), _month(month), int(day))
    found = re.fullmatch(r"([a-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{2,4})", text)
    if found:
        month, day, year = found.groups()
        return _calendar(_full_year(year), _month(month), int(day))
    found = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})", text)
    if found:
        first, second, year = found.groups()
        return _calendar(_full_year(year), int(second), int(first)) or _calendar(
            _full_year(year), int(first), int(second)
        )
    return None


def as_amount(value) -> Decimal | None:
    text = re.sub(r"[^\d.,-]", "", str(value))
    if "," in text and "." in text:
        if text.rfind(".") > text.rfind(","):  # 1,234.56
            text = text.replace(",", "")
        else:  # 1.234,56
            text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        head, _, tail = text.rpartition(",")
        # 1,234 is a thousands separator; 12,5 and 12,50 are decimal commas
        text = head.replace(",", "") + ("" if len(tail) == 3 else ".") + tail
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def as_text(value) -> str:
    return re.sub(r"[\W_]+", "", str(value).casefold())


def as_term(value):
    found = re.search(r"(\d+)\s*(year|month|week|day)", str(value).lower())
    return (int(found.group(1)), found.group(2)) if found else as_text(value)


def normaliser(field: str):
    if field in DATE_FIELDS:
        return as_date
    if field in AMOUNT_FIELDS:
        return as_amount
    if field in TERM_FIELDS:
        return as_term
    return as_text


def same(field: str, expected, predicted) -> bool:
    """True when ``predicted`` is the labelled value ``expected`` of ``field``."""
    if empty(predicted):
        return False
    norm = normaliser(field)
    want = norm(expected)
    return want is not None and want == norm(predicted)


def match_list(field: str, expected: list, predicted) -> tuple[int, int]:
    """(matched items, extra predicted items) for a list field; each predicted item matches once."""
    items = predicted if isinstance(predicted, list) else ([] if empty(predicted) else [predicted])
    left = list(items)
    matched = 0
    for want in expected:
        hit = next((index for index, item in enumerate(left) if same(field, want, item)), None)
        if hit is not None:
            left.pop(hit)
            matched += 1
    return matched, len(left)
