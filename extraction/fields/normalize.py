"""Turning values as written into canonical ones: ISO 8601 dates, decimal amounts, ISO 4217
currencies. Each returns None when the text is not such a value. (Durations, `N years`, are read
where they occur: extraction/fields/nda/term.py.)"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "janvier", "januar", "januari", "enero", "gennaio"),
            ("february", "feb", "février", "fevrier", "februar", "februari", "febrero", "febbraio"),
            ("march", "mar", "mars", "märz", "maart", "marzo"),
            ("april", "apr", "avril", "abril", "aprile"),
            ("may", "mai", "mei", "mayo", "maggio"),
            ("june", "jun", "juin", "juni", "junio", "giugno"),
            ("july", "jul", "juillet", "juli", "julio", "luglio"),
            ("august", "aug", "août", "aout", "augustus", "agosto"),
            ("september", "sep", "sept", "septembre", "septiembre", "settembre"),
            ("october", "oct", "octobre", "oktober", "octubre", "ottobre", "okt"),
            ("november", "nov", "novembre", "noviembre"),
            ("december", "dec", "décembre", "decembre", "dezember", "dic", "dez"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_RE = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))

# A date is not carved out of a longer run of figures: a code ("T04-18/084227" is no 18 April 842) or a phone
# number written with dots ("05.22.95.66.66" is no 22 May 2095). A dash between two dates is a range
# ("12/03/2024-04/05/2024"), so only a slash or a dot joins figures into one run.
_OPEN = r"(?<!\d)(?<!\d[/.])"
_CLOSE = r"(?!\d)(?![/.]\d)"
# Date patterns as written; each yields (year, month, day) groups by name.
DATE_PATTERNS = [
    re.compile(rf"{_OPEN}(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_CLOSE}"),
    re.compile(rf"{_OPEN}(?P<d>\d{{1,2}})[-/.](?P<m>\d{{1,2}})[-/.](?P<y>\d{{4}}|\d{{2}}){_CLOSE}"),
    re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+day\s+of)?[\s\-/.,]*(?P<mon>{_MONTH_RE})\.?[\s\-/.,]*(?P<y>\d{{4}}|\d{{2}})(?!\d)", re.I),
    re.compile(rf"(?P<mon>{_MONTH_RE})\.?\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s*(?P<y>\d{{4}})(?!\d)", re.I),
]


def make_date(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def date_from_match(match: re.Match, *, day_first: bool = True) -> date | None:
    parts = match.groupdict()
    year = int(parts["y"])
    day = int(parts["d"])
    if parts.get("mon"):
        return make_date(year, MONTHS[parts["mon"].lower().rstrip(".")], day)
    month = int(parts["m"])
    if match.re is DATE_PATTERNS[0]:
        return make_date(year, month, day)
    first = make_date(year, month, day) if day_first else make_date(year, day, month)
    return first or (make_date(year, day, month) if day_first else make_date(year, month, day))


def normalize_date(text: str, *, day_first: bool = True) -> str | None:
    """ISO 8601 date of the first date written in ``text``; day-first for dd/mm/yyyy unless told otherwise."""
    for pattern in DATE_PATTERNS:
        match = pattern.search(text)
        if match:
            value = date_from_match(match, day_first=day_first)
            if value:
                return value.isoformat()
    return None


def normalize_amount(text: str) -> str | None:
    """Decimal string with two places: '1.234,56' and '1,234.56' both give '1234.56'."""
    s = re.sub(r"[^\d.,\-]", "", text.replace("\u202f", "").replace("'", ""))
    if not re.search(r"\d", s):
        return None
    if "," in s and "." in s:
        s = s.replace(",", "") if s.rfind(".") > s.rfind(",") else s.replace(".", "").replace(",", ".")
    elif "," in s:
        head, _, tail = s.rpartition(",")
        s = head.replace(",", "") + ("." if len(tail) != 3 else "") + tail
    elif s.count(".") > 1:
        head, _, tail = s.rpartition(".")
        s = head.replace(".", "") + ("." if len(tail) != 3 else "") + tail
    try:
        return str(Decimal(s).quantize(Decimal("0.01")))
    except (InvalidOperation, ValueError):
        return None


CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "zł": "PLN", "rm": "MYR", "fr.": "CHF"}
ISO_CURRENCIES = {
    "EUR", "USD", "GBP", "CHF", "JPY", "CNY", "INR", "PLN", "MYR", "SGD", "AUD", "CAD", "NZD", "SEK", "NOK",
    "DKK", "CZK", "HUF", "RON", "BGN", "HKD", "IDR", "THB", "PHP", "ZAR", "BRL", "MXN", "TRY", "AED", "SAR",
}


def normalize_currency(text: str) -> str | None:
    token = text.strip()
    if token.upper() in ISO_CURRENCIES:
        return token.upper()
    return CURRENCY_SYMBOLS.get(token.lower())
