"""Every kind of candidate is typed, normalised and grounded: its span quotes what it was read from."""
import pytest

from extraction.evidence import DocText
from extraction.fields.general.candidates import propose
from extraction.fields.general.kinds import Kind

TEXT = (
    "Harbour Parking Ltd\n12 Quay Street\nPortsmouth PO1 3AB\n\n"
    "Notice no: PCN-2024-0042\nIssued on: 12 March 2024\nPay by 2024-04-11\n"
    "Penalty: 70.00 GBP\nReduced if paid early: 35.00\nTotal due 70.00\n"
    "Contact: fines@harbour-parking.example\nIBAN GB82WEST12345698765432\n"
    "Appeals are governed by the laws of England. Keep this notice for two (2) years.\n"
)


def _doc():
    doc = DocText([TEXT])
    start = TEXT.index("Harbour Parking Ltd")
    doc.set_pii([(1, start, start + len("Harbour Parking Ltd"), "ORGANIZATION")])
    return doc


def _grounded(doc, proposals):
    for p in proposals:
        assert doc.text[p.start:p.end] == p.text


@pytest.mark.parametrize("kind, pattern, expected", [
    (Kind.DATE, None, ["2024-03-12", "2024-04-11"]),
    (Kind.AMOUNT, None, ["70.00", "35.00", "70.00"]),
    (Kind.CURRENCY, None, ["GBP"]),
    (Kind.EMAIL, None, ["fines@harbour-parking.example"]),
    (Kind.DURATION, None, ["2 years"]),
    (Kind.PLACE, None, ["England"]),
    (Kind.IDENTIFIER, r"^PCN-\d{4}-\d{4}$", ["PCN-2024-0042"]),
])
def test_typed_candidates(kind, pattern, expected):
    doc = _doc()
    found = propose(doc, kind, pattern)
    assert [p.value for p in found] == expected
    _grounded(doc, found)


def test_a_name_between_registration_codes_is_proposed_alone():
    doc = DocText(["#000002 KEDAI MURNI (M) SDN BHD\nMURNI CONFECTIONERY S/B 273500-U (GKJ)\nGST NO: 001234567890\n"
                   "SPEED MART S/B (519537-X)\n"])
    found = [p for p in propose(doc, Kind.TEXT) if p.source == "line_head"]
    assert [p.value for p in found] == ["KEDAI MURNI (M) SDN BHD", "MURNI CONFECTIONERY S/B 273500-U",
                                        "MURNI CONFECTIONERY S/B", "SPEED MART S/B"]  # no "GST NO:", one "SPEED MART"
    _grounded(doc, found)


def test_a_place_wrapped_over_two_lines_is_one_place():
    doc = DocText(["governed by the laws of the State of New\nJersey, without regard to its conflicts of law"])
    found = propose(doc, Kind.PLACE)
    assert [p.value for p in found] == ["New Jersey"]
    _grounded(doc, found)


def test_a_day_of_a_date_is_no_duration():
    text = "Made as of the 10 day of\nJanuary, 2007 and on the 3rd day of May 2008, for a period of thirty (30) days."
    assert [p.value for p in propose(DocText([text]), Kind.DURATION)] == ["30 days"]


def test_identifiers_without_a_pattern_are_tokens_with_digits():
    values = [p.value for p in propose(_doc(), Kind.IDENTIFIER)]
    assert "PCN-2024-0042" in values and "GB82WEST12345698765432" in values
    assert "Harbour" not in values


def test_a_date_is_no_identifier():
    values = [p.value for p in propose(DocText(["Invoice INV/2023/0008 of 28/11/2022, order 2022089083"]), Kind.IDENTIFIER)]
    assert values == ["INV/2023/0008", "2022089083"]


def test_free_text_candidates_are_lines_blocks_labelled_values_and_names():
    doc = _doc()
    found = propose(doc, Kind.TEXT)
    _grounded(doc, found)
    by_source = {}
    for p in found:
        by_source.setdefault(p.source, []).append(p.value)
    assert "Harbour Parking Ltd" in by_source["line"]
    assert "12 Quay Street Portsmouth PO1 3AB" in by_source["block2"]  # an address over two lines
    assert "PCN-2024-0042" in by_source["after_label"]
    assert by_source["pii:ORGANIZATION"] == ["Harbour Parking Ltd"]


def test_a_name_with_a_bracketed_code_on_its_line_is_also_a_candidate_without_it():
    doc = DocText(["99 SPEED MART S/B (519537-X)\nLOT 2811, JALAN ANGSA\n"])
    heads = [p for p in propose(doc, Kind.TEXT) if p.source == "line_head"]
    assert [p.value for p in heads] == ["99 SPEED MART S/B"]
    _grounded(doc, heads)


def test_an_organisation_named_with_its_legal_form_is_a_candidate_whole_where_the_pii_stage_cut_it():
    text = ("This agreement is made by and between Coleman Cable, Inc., a Delaware corporation, and AVI\n"
            "BioPharma,\xa0Inc. (the “Recipient”), and Sony Corporation of America.\n")
    doc = DocText([text])
    start = text.index("Coleman Cable")
    doc.set_pii([(1, start, start + len("Coleman Cable"), "PERSON")])  # the legal form left out, as spaCy does
    named = [p for p in propose(doc, Kind.TEXT) if p.source == "legal_name"]
    _grounded(doc, named)
    values = [p.value for p in named]
    assert {"Coleman Cable, Inc.", "AVI BioPharma, Inc.", "Sony Corporation", "Sony Corporation of America"} <= set(values)
    assert not any("Delaware" in v or "between" in v for v in values)  # "a Delaware corporation" is no name
