"""Typed validators for single values. Each takes the normalised value and returns (passed, message)."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from extraction.fields.normalize import ISO_CURRENCIES
from extraction.fields.places import is_known_place

# Country prefix -> national VAT number pattern (after the prefix), as published by the EU's VIES.
VAT_PATTERNS = {
    "AT": r"U\d{8}", "BE": r"[01]\d{9}", "BG": r"\d{9,10}", "CY": r"\d{8}[A-Z]", "CZ": r"\d{8,10}",
    "DE": r"\d{9}", "DK": r"\d{8}", "EE": r"\d{9}", "EL": r"\d{9}", "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"\d{8}", "FR": r"[A-HJ-NP-Z0-9]{2}\d{9}", "HR": r"\d{11}", "HU": r"\d{8}", "IE": r"\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W]",
    "IT": r"\d{11}", "LT": r"\d{9}|\d{12}", "LU": r"\d{8}", "LV": r"\d{11}", "MT": r"\d{8}",
    "NL": r"\d{9}B\d{2}", "PL": r"\d{10}", "PT": r"\d{9}", "RO": r"\d{2,10}", "SE": r"\d{12}",
    "SI": r"\d{8}", "SK": r"\d{10}", "GB": r"\d{9}|\d{12}|GD\d{3}|HA\d{3}", "XI": r"\d{9}|\d{12}",
    "CH": r"E\d{9}(?:MWST|TVA|IVA)?", "NO": r"\d{9}(?:MVA)?",
}
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
    "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25,
    "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
}


def calendar_date(value) -> tuple[bool, str]:
    try:
        parsed = date.fromisoformat(str(value))
    except ValueError:
        return False, "not a calendar date"
    if parsed.year < 1900 or parsed > date.today() + timedelta(days=366 * 5):
        return False, "date out of plausible range"
    return True, ""


def amount(value) -> tuple[bool, str]:
    try:
        Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False, "not a decimal amount"
    return True, ""


def currency(value) -> tuple[bool, str]:
    return (str(value) in ISO_CURRENCIES, "" if str(value) in ISO_CURRENCIES else "not a known ISO 4217 code")


def iban(value) -> tuple[bool, str]:
    """ISO 13616: country length, then mod 97 of the rearranged number equals 1."""
    compact = re.sub(r"\s+", "", str(value)).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", compact):
        return False, "not an IBAN"
    expected = IBAN_LENGTHS.get(compact[:2])
    if expected and len(compact) != expected:
        return False, f"an IBAN of {compact[:2]} has {expected} characters"
    digits = "".join(str(int(ch, 36)) for ch in compact[4:] + compact[:4])
    return (int(digits) % 97 == 1, "" if int(digits) % 97 == 1 else "IBAN check digits are wrong")


def luhn(value) -> tuple[bool, str]:
    digits = [int(ch) for ch in re.sub(r"[\s-]", "", str(value)) if ch.isdigit()]
    if len(digits) < 12:
        return False, "too short for a card number"
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return (total % 10 == 0, "" if total % 10 == 0 else "Luhn check failed")


def vat_id(value) -> tuple[bool, str]:
    compact = re.sub(r"[\s.\-]", "", str(value)).upper()
    prefix, number = compact[:2], compact[2:]
    if prefix == "GR":
        prefix = "EL"
    pattern = VAT_PATTERNS.get(prefix)
    if pattern is None:
        # Outside the EU formats we know (e.g. Indian GSTIN): accept a plausible identifier, flag nothing.
        ok = bool(re.fullmatch(r"[A-Z0-9]{8,15}", compact))
        return ok, "" if ok else "not a VAT identification number"
    ok = bool(re.fullmatch(pattern, number))
    return ok, "" if ok else f"not the {prefix} VAT number format"


def email(value) -> tuple[bool, str]:
    ok = bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", str(value)))
    return ok, "" if ok else "not an e-mail address"


def duration(value) -> tuple[bool, str]:
    ok = bool(re.fullmatch(r"\d+ (year|month)s?", str(value)))
    return ok, "" if ok else "not 'N years' or 'N months'"


def known_place(value) -> tuple[bool, str]:
    """A governing law the appliance knows as a place; anything else (a misread clause) goes to a person."""
    ok = is_known_place(value)
    return ok, "" if ok else "not a state or country the appliance knows"


VALIDATORS = {
    "calendar_date": calendar_date,
    "amount": amount,
    "currency": currency,
    "iban": iban,
    "luhn": luhn,
    "vat_id": vat_id,
    "email": email,
    "duration": duration,
    "known_place": known_place,
}
