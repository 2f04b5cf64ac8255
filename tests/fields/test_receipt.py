"""The receipt extractor on receipts written here (no evaluation data is read)."""
from datetime import date

import pytest

from extraction.evidence import DocText
from extraction.fields import receipt
from extraction.fields.result import ACCEPTED, NEEDS_REVIEW

TODAY = date(2024, 6, 1)

SIMPLE = """\
KEDAI RUNCIT MAJU JAYA SDN BHD
(123456-A)
NO 12, JALAN BUNGA RAYA 3,
TAMAN SRI ORKID,
81200 JOHOR BAHRU, JOHOR.
TEL: 07-1234567
GST ID: 000111222333
TAX INVOICE
DATE: 25/12/2018 20:13:39
CASHIER: ALI
ITEM QTY PRICE AMOUNT
MINERAL WATER 1 2.50 2.50
BREAD 1 4.20 4.20
SUBTOTAL 6.70
ROUNDING ADJ -0.00
TOTAL 6.70
CASH 10.00
CHANGE 3.30
THANK YOU PLEASE COME AGAIN
"""

TAXED = """\
SERI BAKERY TRADING
(JM0123456-X)
LOT 7, JALAN PASAR,
43000 KAJANG, SELANGOR
TEL : 03-87654321
RECEIPT NO : CS1234
DATE : 05 MAR 2018
CAKE 1 X 50.00 50.00
SUB TOTAL : 50.00
GST 6% : 3.00
ROUNDING : 0.00
GRAND TOTAL : 53.00
CASH : 60.00
CHANGE : 7.00
"""

NO_TOTAL = """\
ABC HARDWARE ENTERPRISE
NO 3, JALAN BESI 2,
47500 SUBANG JAYA, SELANGOR
DATE: 2018-03-23
THIS IS A DELIVERY ORDER
ITEMS TO BE DELIVERED: SCREWS
"""

COLUMNS = """\
MEGA MART SDN BHD
88, JALAN KEDAI,
50000 KUALA LUMPUR
12/01/19 21:13
TOTAL
RM 33.92
ROUNDING ADJUSTMENT
-RM 0.02
TOTAL ROUNDED
RM 33.90
CASH
RM 50.00
CHANGE
RM 16.10
"""


def run(text, pages=None):
    doc = DocText(pages or [text])
    return doc, receipt.extract(doc, today=TODAY)


def test_simple_receipt_values_and_status():
    doc, out = run(SIMPLE)
    assert out["company"].value == "KEDAI RUNCIT MAJU JAYA SDN BHD"
    assert out["date"].value == "2018-12-25"
    assert out["total"].value == "6.70"
    assert out["address"].value == "NO 12, JALAN BUNGA RAYA 3, TAMAN SRI ORKID, 81200 JOHOR BAHRU, JOHOR."
    for name, result in out.items():
        assert result.method == "rule"
        assert 0.0 <= result.confidence <= 1.0
        assert result.status in (ACCEPTED, NEEDS_REVIEW)
        assert result.candidates and result.candidates[0]["value"] is not None
    assert out["date"].status == ACCEPTED
    assert out["total"].status == ACCEPTED
    assert out["company"].status == ACCEPTED


def test_grounding_spans_point_at_the_value():
    doc, out = run(SIMPLE)
    assert doc.quote(out["date"].evidence[0]) == "25/12/2018"
    assert [doc.quote(s) for s in out["total"].evidence] == ["6.70", "6.70"]
    assert doc.quote(out["company"].evidence[0]) == "KEDAI RUNCIT MAJU JAYA SDN BHD"
    quoted = [doc.quote(s) for s in out["address"].evidence]
    assert quoted == ["NO 12, JALAN BUNGA RAYA 3,", "TAMAN SRI ORKID,", "81200 JOHOR BAHRU, JOHOR."]
    for result in out.values():
        assert result.evidence
        assert all(doc.quote(s).strip() for s in result.evidence)


def test_spans_are_page_offsets_on_a_second_page():
    doc, out = run(None, pages=["SCANNED BY OFFICE", SIMPLE])
    span = out["total"].evidence[0]
    assert span.page == 2
    assert doc.pages[1][span.start:span.end] == "6.70"


def test_subtotal_tax_total_picks_the_tax_inclusive_total():
    doc, out = run(TAXED)
    assert out["total"].value == "53.00"
    assert out["total"].status == ACCEPTED
    assert out["date"].value == "2018-03-05"
    assert out["company"].value == "SERI BAKERY TRADING"
    assert out["address"].value == "LOT 7, JALAN PASAR, 43000 KAJANG, SELANGOR"


def test_no_total_is_not_invented():
    doc, out = run(NO_TOTAL)
    assert "total" not in out
    assert out["date"].value == "2018-03-23"
    assert out["company"].value == "ABC HARDWARE ENTERPRISE"


def test_label_and_value_on_separate_lines_prefers_the_rounded_total():
    doc, out = run(COLUMNS)
    assert out["total"].value == "33.90"
    assert out["date"].value == "2019-01-12"
    assert doc.quote(out["total"].evidence[0]) == "33.90"


@pytest.mark.parametrize("written, iso", [
    ("DATE: 25/12/2018", "2018-12-25"),
    ("DATE: 12-01-19", "2019-01-12"),
    ("DATE: 2018-03-23", "2018-03-23"),
    ("05 MAR 2018 18:24", "2018-03-05"),
    ("DATE 23.03.2018", "2018-03-23"),
    ("MAR 5, 2018", "2018-03-05"),
    ("DATE: 20180323", "2018-03-23"),
])
def test_date_formats(written, iso):
    doc, out = run(f"SOME SHOP SDN BHD\n{written}\nTOTAL 5.00\n")
    assert out["date"].value == iso
    assert doc.quote(out["date"].evidence[0]) in written


def test_future_and_impossible_dates_are_not_taken():
    doc, out = run("SOME SHOP SDN BHD\nDATE: 31/02/2018\nEXPIRES 01/01/2030\nTOTAL 5.00\n")
    assert "date" not in out


def test_rounding_and_cash_change_agree():
    text = "SHOP ENTERPRISE\nTOTAL 60.31\nROUNDING ADJ -0.01\nTOTAL ROUNDED 60.30\nCASH 70.30\nCHANGE 10.00\n"
    doc, out = run(text)
    assert out["total"].value == "60.30"
    assert out["total"].status == ACCEPTED


def test_empty_document():
    assert receipt.extract(DocText([""])) == {}
    assert receipt.extract(DocText([])) == {}


def test_ocr_misread_company_goes_to_review():
    doc, out = run("BOOK SHOP (TAMAN DAYA) SDN BND\n12, JALAN SAGU 18,\n81100 JOHOR BAHRU, JOHOR.\nTOTAL 9.00\n")
    assert out["company"].value == "BOOK SHOP (TAMAN DAYA) SDN BND"
    assert out["company"].status == NEEDS_REVIEW


def test_thresholds_cover_every_field():
    assert set(receipt.THRESHOLDS) == set(receipt.FIELDS)
