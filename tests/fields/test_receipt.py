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


def test_a_lone_two_digit_year_date_is_as_sure_as_a_four_digit_one():
    short = run("SOME SHOP SDN BHD\n24-01-18\nTOTAL 5.00\n")[1]["date"]
    long = run("SOME SHOP SDN BHD\n24-01-2018\nTOTAL 5.00\n")[1]["date"]
    assert short.value == long.value == "2018-01-24"
    assert short.confidence == long.confidence
    assert short.status == ACCEPTED


@pytest.mark.parametrize("line", ["VOUCHER VALID UNTIL 24-01-18", "EXPIRY DATE: 24/01/2018", "BEST BEFORE DATE 24/01/2018"])
def test_a_lone_date_on_an_expiry_line_is_not_sure(line):
    doc, out = run(f"SOME SHOP SDN BHD\n{line}\nTOTAL 5.00\n")
    assert out["date"].status == NEEDS_REVIEW


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


# --------------------------------------------------------------------------- the SLM as tie-breaker for the total

UNSURE = """\
MAJU STATIONERY SDN BHD
NO 5, JALAN MERAH,
43000 KAJANG, SELANGOR
DATE: 02/03/2018
CASHIER: AHMAD BIN ALI
PEN 7.00
BOOK 12.00
TOTAL 19.00
PAID 19.00
"""


class FakeRuntime:
    """Records prompts; picks the candidate at ``pick`` (or raises)."""

    def __init__(self, pick=0, fail=False):
        self.pick, self.fail, self.calls = pick, fail, []

    def score(self, prompt, candidates, **kwargs):
        self.calls.append((prompt, list(candidates)))
        if self.fail:
            raise RuntimeError("model unavailable")

        class Result:
            best_index = self.pick

        return Result()


def unsure_doc():
    start = UNSURE.index("AHMAD BIN ALI")
    return DocText([UNSURE], pii=[(start, start + len("AHMAD BIN ALI"), "PERSON")])


def test_slm_is_not_asked_when_the_rules_are_sure():
    runtime = FakeRuntime()
    fields = receipt.extract(DocText([SIMPLE]), runtime=runtime, today=TODAY)
    assert fields["total"].value == "6.70"
    assert runtime.calls == []


def test_slm_agreeing_with_the_rules_accepts_with_method_slm():
    without = receipt.extract(unsure_doc(), today=TODAY)["total"]
    assert without.status == NEEDS_REVIEW and receipt.SLM_GATE_LOW <= without.confidence < receipt.SLM_GATE
    runtime = FakeRuntime(pick=0)
    total = receipt.extract(unsure_doc(), runtime=runtime, today=TODAY)["total"]
    assert (total.value, total.method, total.status) == ("19.00", "slm", ACCEPTED)
    assert total.confidence > without.confidence
    assert len(runtime.calls) == 1  # one short prompt per document
    prompt, candidates = runtime.calls[0]
    assert candidates[0] == "19.00" and len(candidates) <= receipt.SLM_CANDIDATES
    # the prompt is redacted text from safe_window, a few lines, not the whole receipt
    assert "AHMAD" not in prompt and "<PERSON>" in prompt
    assert "JALAN MERAH" not in prompt
    assert prompt.count("\n") <= receipt.SLM_MAX_LINES + 4


def test_slm_disagreeing_sends_the_rules_value_to_review():
    without = receipt.extract(unsure_doc(), today=TODAY)["total"]
    total = receipt.extract(unsure_doc(), runtime=FakeRuntime(pick=1), today=TODAY)["total"]
    assert (total.value, total.method, total.status) == ("19.00", "rule", NEEDS_REVIEW)
    assert total.confidence < without.confidence


def test_failing_model_falls_back_to_the_rules():
    without = receipt.extract(unsure_doc(), today=TODAY)["total"]
    total = receipt.extract(unsure_doc(), runtime=FakeRuntime(fail=True), today=TODAY)["total"]
    assert (total.value, total.method, total.confidence) == (without.value, "rule", without.confidence)


from tests.slm.conftest import built_models, models_dir  # noqa: E402,F401  (fixtures)


def test_real_model_takes_part_in_the_unsure_total(built_models):
    from extraction.slm import runtime

    fields = receipt.extract(unsure_doc(), runtime=runtime, today=TODAY)
    total = fields["total"]
    assert total.value == "19.00"  # the model never replaces the rules' value, only confirms or doubts it
    assert total.method in ("slm", "rule")
    if total.method == "slm":
        assert total.status == ACCEPTED
    else:
        assert total.status == NEEDS_REVIEW
    # the other fields are the rules' alone
    assert {fields[name].method for name in ("company", "date", "address")} == {"rule"}


# --------------------------------------------------------------------------- company and address cues

TAIL = """\
TAX INVOICE
DATE: 02/03/2018 10:15
CASHIER: SITI
ITEM QTY PRICE AMOUNT
TEA 1 3.00 3.00
TOTAL 3.00
CASH 5.00
CHANGE 2.00
"""


def _extract(text):
    return receipt.extract(DocText([text]), today=TODAY)


def test_lot_number_with_dashes_is_not_a_date():
    # "NO 21-23-25G" reads like a date to a date pattern; it starts the address all the same
    out = _extract("BINTANG MINI MARKET\nBR NO.: 0123456-K\nNO 21-23-25G,\nTAMAN MELATI,\n45600 BESTARI JAYA,\n"
                   "SELANGOR.\nTEL: 03-1234 5678\n" + TAIL)
    assert out["address"].value == "NO 21-23-25G, TAMAN MELATI, 45600 BESTARI JAYA, SELANGOR."


@pytest.mark.parametrize("first", ["B-G-12, PLAZA CEMPAKA,", "PT12345 SEK 7, SHAH ALAM", "LOT F3 @ 4, PLAZA CEMPAKA"])
def test_unit_codes_and_joined_lot_numbers_start_the_address(first):
    out = _extract(f"CEMPAKA FOODS SDN BHD (123456-A)\n{first}\nJALAN CEMPAKA 2,\n47301 PETALING JAYA, SELANGOR\n"
                   "TEL: 03-7777 8888\n" + TAIL)
    assert out["address"].value.startswith(first)
    assert out["address"].value.endswith("47301 PETALING JAYA, SELANGOR")


def test_postcode_on_a_line_of_its_own_ends_the_address():
    out = _extract("CEMPAKA BOOKSTORES\nLOT 5, CEMPAKA MALL\nNO 2, JLN PJU 3/1\n47301\nGST REG NO : 000123456789\n" + TAIL)
    assert out["address"].value == "LOT 5, CEMPAKA MALL NO 2, JLN PJU 3/1 47301"


def test_legal_form_misread_on_its_own_line_joins_the_name_above():
    out = _extract("CEMPAKA BOOK\nCP. (M) SDN BHD\n(CO. NO. 123456-W)\nNO 8, JALAN 7/11, TAMAN CEMPAKA\n"
                   "56000 KUALA LUMPUR, MALAYSIA\nTEL : 03-1111 2222\n" + TAIL)
    assert out["company"].value == "CEMPAKA BOOK CP. (M) SDN BHD"
    assert out["company"].status == NEEDS_REVIEW  # "CP" is one letter from "CO": a misread


def test_company_with_a_name_line_above_goes_to_review():
    # the line above may be a brand or the first half of the name: the legal line alone is not sure
    out = _extract("KOPI CEMPAKA\nCEMPAKA HOLDINGS SDN BHD\n(123456-A)\nNO 3, JALAN CEMPAKA,\n47301 PETALING JAYA, SELANGOR\n"
                   "TEL: 03-7777 8888\n" + TAIL)
    assert out["company"].value == "CEMPAKA HOLDINGS SDN BHD"
    assert out["company"].status == NEEDS_REVIEW
    alone = _extract("CEMPAKA HOLDINGS SDN BHD\n(123456-A)\nNO 3, JALAN CEMPAKA,\n47301 PETALING JAYA, SELANGOR\n"
                     "TEL: 03-7777 8888\n" + TAIL)
    assert alone["company"].status == ACCEPTED


def test_legal_form_cut_short_goes_to_review():
    out = _extract("CEMPAKA HEALTHCARE SDN\n1234567-K\nB-8, JALAN SS15/4D,\n47500 SUBANG JAYA, SELANGOR\nTEL: 03-5555 6666\n" + TAIL)
    assert out["company"].value == "CEMPAKA HEALTHCARE SDN"
    assert out["company"].status == NEEDS_REVIEW


def test_address_after_a_skipped_branch_line_or_with_a_trailing_line_goes_to_review():
    branch = _extract("CEMPAKA TRADING\nCEMPAKA KOTA DAMANSARA\nNO 3, JALAN CEMPAKA,\n47301 PETALING JAYA, SELANGOR\n"
                      "TEL: 03-7777 8888\n" + TAIL)
    assert branch["address"].value == "NO 3, JALAN CEMPAKA, 47301 PETALING JAYA, SELANGOR"
    assert branch["address"].status == NEEDS_REVIEW
    trailing = _extract("CEMPAKA TRADING\nNO 3, JALAN CEMPAKA,\n47301 PETALING JAYA, SELANGOR\nCEMPAKA MALL\n"
                        "TEL: 03-7777 8888\n" + TAIL)
    assert trailing["address"].value.endswith("CEMPAKA MALL")
    assert trailing["address"].status == NEEDS_REVIEW
    plain = _extract("CEMPAKA TRADING\nNO 3, JALAN CEMPAKA,\n47301 PETALING JAYA, SELANGOR\nTEL: 03-7777 8888\n" + TAIL)
    assert plain["address"].status == ACCEPTED


def test_item_code_read_as_postcode_is_not_a_sure_address():
    out = _extract("CEMPAKA CARE SDN BHD\nCOMPANY REG NO.: 12345V\nGST REG NO. 000123456789\n"
                   "22241 SCISSORS SMALL\n18.00\nTOTAL 18.00\nCASH 20.00\nCHANGE 2.00\n")
    assert "address" not in out or out["address"].status == NEEDS_REVIEW


# Text as Tesseract returns it for a photographed receipt: blocks separated by empty lines, stray
# lower case in an all-capitals print, specks read as symbols.
SCANNED = """\
KEDAI RUNCIT MAJU JAYA SDN BHD
(123456-A)
NO 12, JALAN BUNGA RAYA 3,
TAMAN SRI ORKID,
81200 JOHOR BAHRU, JOHOR.

Tel: 07-1234567
DATE: 25/12/2018 20:13:39

ITEM QTY PRICE AMOUNT
MINERAL WATER 1 2.50 2.50 |
BREAD 1 4.20 4.20 —

TOTAL 6.70
CASH 10.00
CHANGE 3.30

“Thank you please come again”
"""


def test_scanned_text_is_recognised_and_typed_text_is_not():
    assert receipt.scan_like(DocText([SCANNED]))
    for text in (SIMPLE, TAXED, COLUMNS, NO_TOTAL):
        assert not receipt.scan_like(DocText([text]))


def test_values_read_from_a_scan_are_less_sure_than_the_same_values_typed():
    _, typed = run(SIMPLE)
    _, scanned = run(SCANNED)
    for name in ("company", "address", "date", "total"):
        assert scanned[name].value == typed[name].value
        assert scanned[name].confidence < typed[name].confidence
    assert scanned["company"].status == NEEDS_REVIEW
    assert typed["company"].status == ACCEPTED


def test_pages_the_evidence_layer_read_by_ocr_are_less_sure_than_typed_pages():
    typed = receipt.extract(DocText([SIMPLE], methods=["plain"]), today=TODAY)
    ocr = receipt.extract(DocText([SIMPLE], methods=["ocr"]), today=TODAY)
    for name in ("company", "address", "date", "total"):
        assert ocr[name].value == typed[name].value
        assert ocr[name].confidence < typed[name].confidence


def test_the_pipeline_hands_the_page_methods_to_the_extractor():
    from extraction import pipeline

    typed = pipeline.run([SIMPLE], doc_type="receipt", methods=["plain"]).fields
    ocr = pipeline.run([SIMPLE], doc_type="receipt", methods=["ocr"]).fields
    for name in ("company", "address", "date", "total"):
        assert ocr[name].value == typed[name].value
        assert ocr[name].confidence < typed[name].confidence


def test_ocr_suspects_spare_real_words_and_catch_legal_form_misreads():
    # plurals, singulars and real place words are not misreads
    assert receipt.ocr_suspects("POPULAR BOOK CO. (M) SDN BHD") == []
    assert receipt.ocr_suspects("GOLDEN RESTAURANTS SDN BHD") == []
    assert receipt.ocr_suspects("SUN VICTORY SDN BHD") == []
    assert receipt.ocr_suspects("JALAN KELANG LAMA, KUALA LUMPUR UTARA") == []
    # a short token misread beside the legal form
    assert receipt.ocr_suspects("POPULAR BOOK CP. (M) SDN BHD") == ["CP"]
    assert receipt.ocr_suspects("MR TOOLS (M) SON BHD") == ["SON"]
    assert receipt.ocr_suspects("MR TOOLS SDN BND") == ["BND"]


def test_a_place_name_spelled_two_ways_in_the_address_goes_to_review():
    text = SIMPLE.replace("NO 12, JALAN BUNGA RAYA 3,\nTAMAN SRI ORKID,", "NO 12, JALAN TAMPOI 3,\nTAMAN TAMPOL,")
    _, out = run(text)
    address = out["address"]
    assert "TAMPOL" in address.value
    assert address.status == NEEDS_REVIEW
    assert any(v.name == "no_ocr_suspects" and not v.passed for v in address.validators)


def test_a_long_place_name_written_once_with_a_letter_lost_is_suspect_and_short_ones_are_not():
    assert receipt.ocr_suspects("JALAN ANGSA DELIMA 12, WANGSA MAJU", repeated_words=True) == ["ANGSA/WANGSA"]
    # four-letter words one letter apart are often two real words
    assert receipt.ocr_suspects("TAMAN JAYA, JALAN JAYAS", repeated_words=True) == []
    # without repeated_words (the company name) a lost letter is not looked for
    assert receipt.ocr_suspects("ANGSA WANGSA TRADING") == []


# Labels printed as one column and the amounts as another, the paid amount the largest number.
COLUMN_PAYMENT = """\
KEDAI BUKU SERI MAJU ENTERPRISE
NO 3, JALAN BESI 2,
47500 SUBANG JAYA, SELANGOR
DATE: 2018-03-23
BOOK A 5.30
BOOK B 10.60
QTY(S) : 13
TOTAL INCL. GST@6%
CASH
CHANGE
GST @6% INCLUDED IN TOTAL
RM 57.40
RM 100.00
RM 42.60
RM 3.25
THANK YOU
"""


def test_column_layout_total_found_by_paid_equals_total_plus_change():
    _, out = run(COLUMN_PAYMENT)
    assert out["total"].value == "57.40"
    # without the change label above the amounts the arithmetic alone does not decide
    _, plain = run(COLUMN_PAYMENT.replace("CHANGE\n", "BALANCE DUE\n"))
    assert plain["total"].confidence < out["total"].confidence


def test_trade_name_with_its_registration_number_under_it_is_accepted():
    text = TAXED.replace("SERI BAKERY TRADING", "GOLDEN CRUST BAKERY")  # a trade name, no legal form
    _, out = run(text)
    assert out["company"].value == "GOLDEN CRUST BAKERY"
    assert out["company"].status == ACCEPTED
    # the same name with a slogan line under it stays in review
    _, slogan = run(text.replace("(JM0123456-X)\n", "FRESH EVERY MORNING\n"))
    assert slogan["company"].value == "GOLDEN CRUST BAKERY"
    assert slogan["company"].status == NEEDS_REVIEW
