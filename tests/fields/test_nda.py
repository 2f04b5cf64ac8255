"""The NDA field extractor on generated agreements with known values."""
import pytest

from extraction.evidence import DocText
from extraction.fields import nda
from extraction.fields.result import ACCEPTED

PREAMBLE = (
    "MUTUAL NON-DISCLOSURE AGREEMENT\n"
    "This Mutual Non-Disclosure Agreement (this “Agreement”) is made and entered into as of {date} "
    "(the “Effective Date”) by and between {a}, a Delaware corporation having its principal place of\n"
    "business at 100 Main Street, Springfield (“{a_short}”), and {b}, a {b_state} limited liability company (“Recipient”).\n"
)
BODY = (
    "1. Confidential Information. Recipient shall hold the Confidential Information in strict confidence and "
    "shall not disclose it to any third party.\n"
    "2. Return of Materials. Upon request, Recipient shall return all materials.\n"
)
TERM = "3. Term. This Agreement shall remain in effect for a period of {term} from the date hereof.\n"
LAW = (
    "4. Governing Law. This Agreement shall be governed by and construed in accordance with the laws of the "
    "State of {state}, without regard to its conflict of laws principles.\n"
)
SIGNATURES = (
    "IN WITNESS WHEREOF, the parties have executed this Agreement as of the Effective Date.\n"
    "{a_upper}\nBy: /s/ Jane Roe\nName: Jane Roe\nTitle: President\n"
    "{b_upper}\nBy: /s/ John Doe\nName: John Doe\nTitle: Manager\n"
)


def make(date="March 3, 2015", a="Acme Widgets, Inc.", a_short="Acme", b="Bolt Partners, LLC", b_state="New York",
         term="two (2) years", state="New York", pages=1):
    text = PREAMBLE.format(date=date, a=a, a_short=a_short, b=b, b_state=b_state) + BODY
    if term:
        text += TERM.format(term=term)
    text += LAW.format(state=state)
    text += SIGNATURES.format(a_upper=a.upper(), b_upper=b.upper())
    if pages == 1:
        return DocText([text])
    cut = text.index("4. Governing Law")
    return DocText([text[:cut].rstrip("\n"), text[cut:]])


def quote(doc, result, index=0):
    return doc.quote(result.evidence[index])


def test_all_fields_from_a_standard_preamble():
    doc = make()
    out = nda.extract(doc)
    assert out["effective_date"].value == "2015-03-03"
    assert out["jurisdiction"].value == "New York"
    assert out["term"].value == "2 years"
    assert [v.replace(".", "") for v in out["party"].value] == ["Acme Widgets Inc", "Bolt Partners LLC"]
    for result in out.values():
        assert result.method == "rule"
        assert 0.0 <= result.confidence <= 1.0
        assert result.evidence
        assert result.candidates
    assert out["jurisdiction"].status == ACCEPTED
    assert out["effective_date"].status == ACCEPTED


def test_grounding_spans_point_at_the_values():
    doc = make(pages=2)
    out = nda.extract(doc)
    assert quote(doc, out["effective_date"]) == "March 3, 2015"
    assert quote(doc, out["term"]).startswith("two (2) years")
    law = out["jurisdiction"].evidence[0]
    assert law.page == 2
    assert doc.quote(law) == "New York"
    party = out["party"]
    assert len(party.evidence) == len(party.value) == 2
    assert [" ".join(quote(doc, party, i).split()) for i in range(2)] == ["Acme Widgets, Inc.", "Bolt Partners, LLC"]
    assert party.raw == ["Acme Widgets, Inc.", "Bolt Partners, LLC"]


def test_no_term_means_no_term_field():
    out = nda.extract(make(term=None))
    assert "term" not in out
    assert out["effective_date"].value == "2015-03-03"


def test_nothing_invented_from_an_unrelated_text():
    doc = DocText(["Meeting notes.\nWe talked about the weather and lunch plans for next week.\n"])
    assert nda.extract(doc) == {}


@pytest.mark.parametrize(
    "written,iso",
    [
        ("March 3, 2015", "2015-03-03"),
        ("the 3rd day of March, 2015", "2015-03-03"),
        ("3 March 2015", "2015-03-03"),
        ("Mar. 3, 2015", "2015-03-03"),
        ("03/03/2015", "2015-03-03"),
        ("December 9th, 2014", "2014-12-09"),
        ("11/12/2014", "2014-11-12"),  # US agreements write the month first
    ],
)
def test_date_spellings(written, iso):
    out = nda.extract(make(date=written))
    assert out["effective_date"].value == iso


@pytest.mark.parametrize(
    "written,value",
    [
        ("two (2) years", "2 years"),
        ("three years", "3 years"),
        ("eighteen (18) months", "18 months"),
        ("24 months", "24 months"),
        ("one (1) year", "1 year"),
        ("5 years", "5 years"),
    ],
)
def test_term_spellings(written, value):
    assert nda.extract(make(term=written))["term"].value == value


@pytest.mark.parametrize("state", ["Delaware", "California", "Massachusetts", "North Carolina"])
def test_jurisdiction_states(state):
    assert nda.extract(make(state=state))["jurisdiction"].value == state


def test_state_of_incorporation_is_not_the_governing_law():
    text = (
        "CONFIDENTIALITY AGREEMENT\nThis Confidentiality Agreement is dated as of May 1, 2010 between Gamma Corp., "
        "a company organized under the laws of the State of Nevada (“Gamma”), and Delta Inc. (“Delta”).\n"
        "This Agreement shall be governed by the internal laws of the Commonwealth of Massachusetts.\n"
    )
    out = nda.extract(DocText([text]))
    assert out["jurisdiction"].value == "Massachusetts"


def test_a_date_of_another_agreement_is_not_the_effective_date():
    text = (
        "CONFIDENTIALITY AGREEMENT\nThis Confidentiality Agreement (the “Agreement”) is entered into as of June 2, 2011 "
        "by and between Omega Holdings, Inc. (“Omega”) and Sigma Capital LP (“Sigma”).\n"
        "WHEREAS, Omega and Sigma are parties to the Credit Agreement, dated as of January 5, 2009;\n"
        "This Agreement shall be governed by the laws of the State of Texas.\n"
    )
    out = nda.extract(DocText([text]))
    assert out["effective_date"].value == "2011-06-02"
    assert [v.replace(".", "") for v in out["party"].value] == ["Omega Holdings Inc", "Sigma Capital LP"]


def test_letter_agreement_parties_from_signature_blocks():
    text = (
        "Beta Industries, Inc.\n200 Harbor Road\nBoston, MA 02110\nApril 4, 2012\n"
        "Gamma Equity Partners, L.P.\n1 Market Street\nSan Francisco, CA\n"
        "Ladies and Gentlemen:\nIn connection with your consideration of a possible transaction with Beta Industries, "
        "Inc. (the “Company”), you have requested information. For a period of eighteen months from the date of this "
        "letter agreement, you will not solicit employees of the Company. This letter agreement shall be governed by "
        "the laws of the State of Delaware.\nVery truly yours,\nBETA INDUSTRIES, INC.\nBy: /s/ A. Smith\nName: A. Smith\n"
        "Accepted and agreed as of the date first written above:\nGAMMA EQUITY PARTNERS, L.P.\nBy: /s/ B. Jones\n"
    )
    out = nda.extract(DocText([text]))
    keys = {v.lower().replace(".", "").replace(",", "") for v in out["party"].value}
    assert {"beta industries inc", "gamma equity partners lp"} <= keys
    assert out["term"].value == "18 months"
    assert out["jurisdiction"].value == "Delaware"
    assert out["effective_date"].value == "2012-04-04"
    assert out["effective_date"].status != ACCEPTED  # a letter date alone is not sure enough


def test_kleister_name_normalisation():
    assert nda.kleister_name("LIQUIDMETAL TECHNOLOGIES, INC.") == "Liquidmetal Technologies Inc."
    assert nda.kleister_name("Leonard Green & Partners, L.P.") == "Leonard Green and Partners LP"
    assert nda.kleister_name("Altimo Holdings & Investments Limited") == "Altimo Holdings and Investments Ltd."
    assert nda.kleister_name("Escalade, Incorporated") == "Escalade Inc."


def test_thresholds_cover_every_field():
    assert set(nda.THRESHOLDS) == set(nda.FIELDS)
    assert all(0.0 < t <= 1.0 for t in nda.THRESHOLDS.values())
