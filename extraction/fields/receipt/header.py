"""The receipt's header, where the shop's name and address stand: the patterns and line tests both fields use."""
from __future__ import annotations

import re

from extraction.fields.receipt.dates import DATE_RES, date_value, TIME_RE
from extraction.fields.receipt.lines import Line

SUFFIX_RE = re.compile(
    r"\bS\W{0,2}D\W{0,2}N\.?\s*\.?\s*B\W{0,2}[HN]\W{0,2}D\b|\bSDN\b|\bBHD\b|\bBERHAD\b|\bS\s*/\s*B\b|\bSB\b|\bPLT\b|"
    r"\b(?:ENTERPRISES?|TRADING|RESTAURANT|RESTORAN|HARDWARE|MARKETING|STATIONERY|BOOKS?TORES?|"
    r"SUPERMARKET|MINIMARKET|PERNIAGAAN|MINI MARKET|PASARAYA|MART|BAKERY|CAFE|KEDAI|SYARIKAT|LIMITED|LTD|CORPORATION|INDUSTRIES|"
    r"COMPANY|& CO|CO\.|GROCER|PHARMACY|FARMASI|ELECTRICAL|MACHINERY|TRADERS?|AGENCY|SERVICES|STORE|STORES|"
    r"FOOD|HOLDINGS|GLOBAL|RESOURCES|VENTURES?|EMPORIUM|BOUTIQUE|PRINTING|HOUSE|KITCHEN|PETROL|STATION)\b",
    re.I)
STRONG_SUFFIX_RE = re.compile(r"\bSDN\.?\s*$|\bS\W{0,2}D\W{0,2}N\.?\s*\.?\s*B\W{0,2}[HN]\W{0,2}D\b|\bBHD\b|\bBERHAD\b|\bS\s*/\s*B\b|\bPLT\b|\bENTERPRISES?\b|\bTRADING\b|\bLTD\b|\bLIMITED\b", re.I)
REG_RE = re.compile(r"^\(?\s*(?:CO\.?\s*(?:REG|NO)|COMPANY\s*(?:REG|NO)|ROC|REG|BR\s*NO|CO\.\s*NO)?[\s.:()]*\d{3,}[\d\s]*-?\s*[A-Z]?\s*\)?\.?$", re.I)
REG_TAIL = re.compile(r"\s*[\[(]?\s*(?:CO\.?\s*(?:REG\.?|NO\.?)\s*:?\s*|COMPANY\s*NO\.?\s*:?\s*)?\d{4,}\s*-?\s*[A-Z]\b\s*[\])]?.*$", re.I)
STOP_RE = re.compile(
    r"\bTEL\b|\bTELEPHONE\b|\bPHONE\b|\bFAX\b|\bT\s*:|\bF\s*:|\bH/?P\b|\bTEL\s*NO|\bGST\b|\bTAX\b|INVOICE|RECEIPT|\bBILL\b|"
    r"\bDATE\b|CASHIER|\bEMAIL\b|E-MAIL|\S@\S|WWW|HTTP|\.COM|\bDOC\b|\bSST\b|\bREG\b|\bOPEN\b|\bTABLE\b|\bORDER\b|"
    r"\bCOMPANY\s*NO|\bCO\.?\s*NO|\bROC\b|\bBR\s*NO|\bID\s*:|\bSTAFF\b|\bTERMINAL\b|\bPOS\b|\bCHECK\b|\bWELCOME\b|\bTHANK",
    re.I)
POSTCODE_RE = re.compile(r"(?<![\dA-Z])\d{5}(?![\d])", re.I)
BRANCH_RE = re.compile(r"^\d{3,4}\s*-\s*[A-Z][A-Z .']+$", re.I)
ADDRESS_START = re.compile(
    r"^\W*(?:(NO|LOT|JALAN|JLN|JL|LEVEL|LOT|BLOCK|BLK|UNIT|SUITE|WISMA|MENARA|KOMPLEKS|TAMAN|TMN|LORONG|LRG|G\s*F|GROUND|FLOOR|KM|BATU|PT|PLOT)\b"
    # lot numbers written together ("PT17920", "PTD 101051", "LOT12") and unit codes ("A-G-06", "B-8", "G-19")
    r"|(?:PTD?|LOT)\s?\d|[A-Z]{1,2}\s?-+\s?[A-Z]?\d)", re.I)
ADDRESS_PREFIX = re.compile(r"^\s*(?:HQ\s*)?(?:ADD|ADDR|ADDRESS|ALAMAT)\s*[.:]\s*", re.I)
STATES = re.compile(
    r"\b(JOHOR|KEDAH|KELANTAN|MELAKA|MALACCA|NEGERI SEMBILAN|PAHANG|PERAK|PERLIS|PULAU PINANG|PENANG|SABAH|SARAWAK|"
    r"SELANGOR|TERENGGANU|KUALA LUMPUR|W\.?\s*P\.?|WILAYAH PERSEKUTUAN|PUTRAJAYA|LABUAN|MALAYSIA|KL|DARUL \w+)\b", re.I)
ADDRESS_WORD = re.compile(
    r"\b(NO|LOT|JALAN|JLN|JL|TAMAN|TMN|LORONG|LRG|BLOCK|BLK|LEVEL|FLOOR|FLR|GROUND|PLAZA|MALL|BANDAR|KAMPUNG|KG|"
    r"SEKSYEN|SECTION|PERSIARAN|LEBUH|BATU|KM|UNIT|SUITE|WISMA|MENARA|KOMPLEKS|KAWASAN|PERINDUSTRIAN|PUSAT|PERDANA|"
    r"UTAMA|INDAH|JAYA|BARU|ROAD|STREET|AVENUE|CENTRE|CENTER|SQUARE|PARK|CITY|PJ|KL|SEK|MUKIM|KWS|LEBUHRAYA|DATARAN|"
    r"BANGUNAN|SIMPANG|DESA|MEDAN|SRI|SERI|PEKAN|BUKIT|SUNGAI|SG|KOTA)\b", re.I)


def has_digits(text: str) -> bool:
    return bool(re.search(r"\d", text))


def is_reg_line(text: str) -> bool:
    t = text.strip()
    if REG_RE.match(t):
        return True
    if re.match(r"^\(?\s*(CO\.?\s*(REG|NO)|COMPANY\s*(REG|NO)|ROC|BR\s*NO|REG\s*NO|GST|SST|\(GST)", t, re.I):
        return True
    if " " not in t and len(t) <= 18 and sum(ch.isdigit() for ch in t) >= 5:
        return True  # "<484297-M>", "000965911.P", "SA0127959-D"
    return bool(re.fullmatch(r"[\s(]*[\dA-Z]{0,3}\d{5,}[\s-]*[A-Z]?[\s)]*", t, re.I))


PHONE_LINE = re.compile(r"^\W*\(?\d{2,4}\)?\s?-?\s?\d{3,4}\s?-?\s?\d{3,5}\W*$")
LABEL_VALUE_LINE = re.compile(r"^[A-Z .#]{2,14}:\s*[\w-]+$", re.I)


def has_date(text: str, kinds: int = 3) -> bool:
    """A real calendar date written in the line ("43-45-47" in a lot number is not one)."""
    for kind, pattern in DATE_RES[:kinds]:
        for m in pattern.finditer(text):
            try:
                if date_value(kind, m) is not None:
                    return True
            except (KeyError, ValueError):
                continue
    return False


def address_start_ok(text: str) -> bool:
    if re.fullmatch(r"\(.*\)", text.strip()) or PHONE_LINE.match(text) or LABEL_VALUE_LINE.match(text.strip()):
        return False
    if has_date(text) or TIME_RE.search(text):
        return False
    return bool(ADDRESS_START.search(text) or re.match(r"^\W*\d", text) or POSTCODE_RE.search(text)
                or (has_digits(text) and ADDRESS_WORD.search(text)))


def header_end(lines: list[Line]) -> int:
    """Index of the first line past the receipt's header (items, totals)."""
    for line in lines[:40]:
        if re.search(r"\bQTY\b|\bDESC|\bITEM\b|\bPRICE\b|\bAMOUNT\b|\bCASHIER\b|\bTOTAL\b", line.upper) and line.index > 2:
            return line.index
    return min(len(lines), 25)


def name_like(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 3 and letters >= 0.6 * len(re.sub(r"\s", "", text)) and not STOP_RE.search(text)
