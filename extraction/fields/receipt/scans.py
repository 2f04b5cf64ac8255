"""Telling OCR'd text from clean text: words the scanner likely misread lower the confidence of what was read from them."""
from __future__ import annotations

import re

from extraction.evidence import DocText

# Words every Malaysian receipt header uses; a token one edit away from one of them is most
# likely an OCR misread ("SDN BND", "MALAYSLA", "PERINOUSTRIAN"): the value is kept as written
# but sent to review.
VOCABULARY = {
    "SDN", "BHD", "BERHAD", "ENTERPRISE", "ENTERPRISES", "TRADING", "RESTAURANT", "RESTORAN", "HARDWARE",
    "MARKETING", "STATIONERY", "SUPERMARKET", "MINIMARKET", "PASARAYA", "PERNIAGAAN", "SYARIKAT", "COMPANY",
    "LIMITED", "CORPORATION", "INDUSTRIES", "ELECTRICAL", "MACHINERY", "TRADERS", "SERVICES", "HOLDINGS",
    "RESOURCES", "VENTURE", "VENTURES", "BOOKS", "BOOKSTORE", "BOOKSTORES", "PHARMACY", "FARMASI",
    "JALAN", "TAMAN", "LORONG", "BANDAR", "KAMPUNG", "SEKSYEN", "SECTION", "PERSIARAN", "KAWASAN",
    "PERINDUSTRIAN", "PERUSAHAAN", "KOMPLEKS", "WISMA", "MENARA", "PLAZA", "LEVEL", "FLOOR", "GROUND",
    "BLOCK", "UTAMA", "INDAH", "PERDANA", "SELANGOR", "JOHOR", "BAHRU", "KEDAH", "KELANTAN", "MELAKA",
    "PAHANG", "PERAK", "PERLIS", "PENANG", "PINANG", "SABAH", "SARAWAK", "TERENGGANU", "KUALA", "LUMPUR",
    "MALAYSIA", "PETALING", "SHAH", "ALAM", "DARUL", "EHSAN", "TAKZIM", "MAKMUR", "KLANG", "CHERAS",
    "KEPONG", "PUCHONG", "SUBANG", "DAMANSARA", "AMPANG", "SETIA", "PERMAS", "SEMBILAN", "NEGERI",
    "INDUSTRIAL", "CENTRE", "CENTER", "SQUARE", "AVENUE", "STREET", "GARDEN", "HEIGHTS", "PUSAT",
    "KEMBANGAN", "SERI", "BARU", "JAYA", "KEDAI", "RUNCIT", "MAKANAN", "RAYA", "SRI", "DESA", "MEDAN",
    "BATU", "LAMA", "MALL", "CITY", "PARK", "SUNGAI", "BUKIT", "PULAU", "KOTA", "PEKAN",
    # real words and spellings one edit away from the words above (not misreads)
    "BOOK", "SERVICE", "STATIONERS", "UTARA", "KELANG", "LAMAN", "BORONG", "SUNGEI",
    # more address words (the other compass points, a building, a town), whose misreads are suspect too
    "SELATAN", "TIMUR", "BARAT", "COMPLEX", "TAMPIN",
}
LEGAL_FORM = {"SDN", "BHD", "CO"}


def _edit1(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1:] == a for i in range(len(b)))


def ocr_suspects(text: str, *, repeated_words: bool = False) -> list[str]:
    """Tokens that look misread: one edit from a header word, or odd symbols inside a name.

    A plural or singular of a header word ("RESTAURANTS", "BOOK") is a word, not a misread; a
    three-letter token counts only beside a legal form ("SDN BND", "SON BHD"), where its
    neighbours say what it should have been. With ``repeated_words`` a word written twice in
    ``text`` with one letter changed ("TAMPOI ... TAMPOL", "MAJU ... MAJO"), or a long one with a
    letter lost ("ANGSA DELIMA ... WANGSA MAJU"), is suspect too: an address repeats its place names,
    and two spellings of one name mean one of them is misread.
    """
    out = []
    tokens = re.findall(r"[A-Za-z]{2,}", text)
    uppers = [t.upper() for t in tokens]
    for i, (token, upper) in enumerate(zip(tokens, uppers)):
        if upper in VOCABULARY or upper in LEGAL_FORM or upper.rstrip("S") in VOCABULARY or upper + "S" in VOCABULARY:
            continue
        if len(upper) <= 3:
            reach = 1 if len(upper) == 3 else 2  # "SON BHD"; "CP. (M) SDN"
            beside = {uppers[j] for j in range(max(0, i - reach), min(len(uppers), i + reach + 1)) if j != i}
            if beside & LEGAL_FORM and any(_edit1(upper, word) for word in LEGAL_FORM if len(word) == len(upper)):
                out.append(token)
            continue
        if any(_edit1(upper, word) for word in VOCABULARY if len(word) >= 5):
            out.append(token)
    if repeated_words:
        long_words = sorted({u for u in uppers if len(u) >= 4})
        for a_index, a in enumerate(long_words):
            for b in long_words[a_index + 1:]:
                # one letter changed; or, in names of five letters or more, one dropped (short
                # words differ by a letter too often to tell: "JAYA"/"JAYAS")
                if (len(a) == len(b) or min(len(a), len(b)) >= 5) and _edit1(a, b):
                    out.append(f"{a}/{b}")
    out += re.findall(r"[^\w\s.,&()'/@:#+\-]", text)
    return out


# Values read from a scanned image carry more character errors (a digit, a letter of a name) than
# typed text, so they are sent to review more readily: this much off each field's confidence.
SCAN_MALUS = {"company": 0.15, "address": 0.15, "date": 0.1, "total": 0.15}


def scan_like(doc: DocText) -> bool:
    """Whether a page looks like Tesseract's reading of a scan, for text whose pages the evidence
    layer did not mark as OCR (DocText.read_by_ocr), e.g. text recognised before it arrived.

    Tesseract leaves three signs, and two of them on one page are required: text blocks separated
    by empty lines, stray lower-case letters in an all-capitals receipt ("Tatal", "SELanbur"), and
    specks and rules read as symbols ("—", "|", "“").
    """
    for page in doc.pages:
        body = page.strip()
        if not body:
            continue
        letters = [ch for ch in body if ch.isalpha()]
        lower = sum(ch.islower() for ch in letters) / max(1, len(letters))
        signs = 0
        signs += len(re.findall(r"\n[ \t]*\n", body)) >= 3  # blocks separated by blank lines
        signs += 0.03 <= lower <= 0.9  # an upper-case receipt read with stray lower case
        signs += len(re.findall(r"[^\x00-\x7f]|[|~{}\[\]_\\]", body)) >= 3 or bool(
            re.search(r"\b[A-Z]{2,}[a-z]+[A-Z]|\b[a-z]+[A-Z]{2,}", body))
        if signs >= 2:
            return True
    return False
