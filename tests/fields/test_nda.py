"""The NDA field extractor on generated agreements with known values."""
import pytest

from extraction.evidence import DocText
from extraction.fields import nda
from extraction.fields.nda import names, signatures
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


def test_term_until_an_anniversary():
    doc = make(term=None)
    text = doc.text.replace("4. Governing Law", "3. Term. This Agreement shall remain in effect until the second (2nd) "
                            "anniversary of the date hereof.\n4. Governing Law")
    assert nda.extract(DocText([text]))["term"].value == "2 years"


def test_a_standstill_or_no_solicitation_period_is_not_the_term():
    doc = make(term="three (3) years")
    text = doc.text.replace("4. Governing Law", "5. Standstill. You agree that for a period of eighteen (18) months from "
                            "the date hereof, neither you nor your affiliates will acquire any voting securities of the "
                            "Company.\n6. For a period of one year from the date of this Agreement, you will not solicit "
                            "for employment any employee of the Company.\n4. Governing Law")
    term = nda.extract(DocText([text]))["term"]
    assert term.value == "3 years"
    scores = {c["value"]: c["score"] for c in term.candidates}
    assert scores.get("18 months", 0) < 0.5 and scores.get("1 year", 0) < 0.5


def test_an_agreement_that_expires_on_a_date_has_no_sure_period():
    doc = make(term=None)
    text = doc.text.replace("4. Governing Law", "3. Term. Unless terminated earlier, this Agreement shall expire December "
                            "31, 2016. Recipient's obligations shall expire three (3) years from the date hereof.\n4. Governing Law")
    term = nda.extract(DocText([text]))["term"]
    assert term.value == "3 years"
    assert term.status != ACCEPTED and term.confidence <= 0.6
    without_date = nda.extract(DocText([text.replace("shall expire December 31, 2016", "may be terminated by notice")]))
    assert without_date["term"].confidence > 0.6


@pytest.mark.parametrize("state", ["Delaware", "California", "Massachusetts", "North Carolina"])
def test_jurisdiction_states(state):
    assert nda.extract(make(state=state))["jurisdiction"].value == state


def test_a_jurisdiction_wrapped_over_two_lines():
    agreement = make(state="New Jersey")
    wrapped = agreement.text.replace("State of New Jersey", "State of New\nJersey")
    assert wrapped != agreement.text
    assert nda.extract(DocText([wrapped]))["jurisdiction"].value == "New Jersey"


def test_state_of_incorporation_is_not_the_governing_law():
    text = (
        "CONFIDENTIALITY AGREEMENT\nThis Confidentiality Agreement is dated as of May 1, 2010 between Gamma Corp., "
        "a company organized under the laws of the State of Nevada (“Gamma”), and Delta Inc. (“Delta”).\n"
        "This Agreement shall be governed by the internal laws of the Commonwealth of Massachusetts.\n"
    )
    out = nda.extract(DocText([text]))
    assert out["jurisdiction"].value == "Massachusetts"


OMEGA_AND_SIGMA = "by and between Omega Holdings, Inc. (“Omega”) and Sigma Capital LP (“Sigma”)"
OMEGA_AND_SIGMA_OPENING = (
    f"CONFIDENTIALITY AGREEMENT\nThis Agreement is entered into as of June 2, 2011 {OMEGA_AND_SIGMA}.\n"
)


def test_a_date_of_another_agreement_is_not_the_effective_date():
    text = (
        "CONFIDENTIALITY AGREEMENT\nThis Confidentiality Agreement (the “Agreement”) is entered into as of June 2, 2011 "
        f"{OMEGA_AND_SIGMA}.\n"
        "WHEREAS, Omega and Sigma are parties to the Credit Agreement, dated as of January 5, 2009;\n"
        "This Agreement shall be governed by the laws of the State of Texas.\n"
    )
    out = nda.extract(DocText([text]))
    assert out["effective_date"].value == "2011-06-02"
    assert [v.replace(".", "") for v in out["party"].value] == ["Omega Holdings Inc", "Sigma Capital LP"]


def test_the_date_the_agreement_defines_as_its_effective_date_outweighs_its_signing_date():
    text = (
        "NON-DISCLOSURE AGREEMENT\nThis Non-Disclosure Agreement (the “Agreement”) is entered into as of May 9, 2002 "
        f"and is effective December 3, 2001 (the “Effective Date”), {OMEGA_AND_SIGMA}.\n"
        "This Agreement shall be governed by the laws of the State of Texas.\n"
    )
    date = nda.extract(DocText([text]))["effective_date"]
    assert date.value == "2001-12-03"
    assert date.status == ACCEPTED
    assert {c["value"] for c in date.candidates} == {"2001-12-03", "2002-05-09"}


def test_two_dates_each_called_the_effective_date_stay_unsure():
    text = (
        "NON-DISCLOSURE AGREEMENT\nThis Non-Disclosure Agreement is entered into on May 9, 2002 "
        f"(the “Effective Date”) {OMEGA_AND_SIGMA}.\n"
        "Amended and restated as of June 1, 2003 (the “Amended Effective Date”).\n"
    )
    date = nda.extract(DocText([text]))["effective_date"]
    assert date.status != ACCEPTED


def test_two_governing_laws_named_as_strongly_go_to_a_person():
    text = (
        f"{OMEGA_AND_SIGMA_OPENING}This Agreement shall be governed by the laws of the State of "
        "New York. Matters of title shall be governed by the laws of England.\n"
    )
    jurisdiction = nda.extract(DocText([text]))["jurisdiction"]
    assert jurisdiction.value == "New York"
    assert jurisdiction.status != ACCEPTED
    assert "low_confidence" in jurisdiction.reasons


def test_one_laws_of_clause_is_enough():
    text = (
        f"{OMEGA_AND_SIGMA_OPENING}The laws of Delaware apply to it.\n"
    )
    jurisdiction = nda.extract(DocText([text]))["jurisdiction"]
    assert jurisdiction.value == "Delaware"
    assert jurisdiction.status == ACCEPTED


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
    # the reviewer is told where the names came from, and not of a PARTIES: header the letter lacks
    cue = next(v.message for v in out["party"].validators if v.name == "grounded_each")
    assert cue.startswith("signature blocks") and "header" not in cue
    assert out["term"].value == "18 months"
    assert out["jurisdiction"].value == "Delaware"
    assert out["effective_date"].value == "2012-04-04"
    assert out["effective_date"].status == ACCEPTED  # the letter's date line, not countersigned later


def test_a_letter_countersigned_on_a_later_date_leaves_its_date_unsure():
    text = (
        "Beta Industries, Inc.\n200 Harbor Road\nBoston, MA 02110\nApril 4, 2012\n"
        "Ladies and Gentlemen:\nIn connection with your consideration of a possible transaction with Beta Industries, "
        "Inc. (the “Company”), you have requested information. This letter agreement shall be governed by "
        "the laws of the State of Delaware.\nVery truly yours,\nBETA INDUSTRIES, INC.\nBy: /s/ A. Smith\n"
        "Accepted and agreed:\nGAMMA EQUITY PARTNERS, L.P.\nBy: /s/ B. Jones\nDate: April 19, 2012\n"
    )
    out = nda.extract(DocText([text]))
    assert out["effective_date"].value == "2012-04-04"
    assert out["effective_date"].status != ACCEPTED


def test_kleister_name_normalisation():
    assert nda.kleister_name("LIQUIDMETAL TECHNOLOGIES, INC.") == "Liquidmetal Technologies Inc."
    assert nda.kleister_name("Leonard Green & Partners, L.P.") == "Leonard Green and Partners LP"
    assert nda.kleister_name("Altimo Holdings & Investments Limited") == "Altimo Holdings and Investments Ltd."
    assert nda.kleister_name("Escalade, Incorporated") == "Escalade Inc."


def test_thresholds_cover_every_field():
    assert set(nda.THRESHOLDS) == set(nda.FIELDS)
    assert all(0.0 < t <= 1.0 for t in nda.THRESHOLDS.values())


# --------------------------------------------------------------------------- party names and signers

@pytest.mark.parametrize(
    "name",
    ["WHEREAS, the Company", "B. The Company", "1.1 Company", "Employee.", "A-4", "Florida Corporation",
     "An Electric Membership Corporation", "Second Party", "Buyer", "Affiliates", "Employee and the Company"],
)
def test_role_labels_and_enumerators_are_not_parties(name):
    assert not names._looks_like_party(names._clean_name(name))


@pytest.mark.parametrize(
    "written,clean",
    [
        ("ORBIT WIDGETS, INC. EXECUTIVE", "ORBIT WIDGETS, INC."),
        ("ORBIT WIDGETS, INC. ACKNOWLEDGED AND AGREED", "ORBIT WIDGETS, INC."),
        ("Directors of Orbit Widgets, Inc.", "Orbit Widgets, Inc."),
        ("The Orbit Widget Company", "The Orbit Widget Company"),
        ("Bolt and Company", "Bolt and Company"),
    ],
)
def test_names_lose_signature_captions_but_keep_company(written, clean):
    assert names._clean_name(written) == clean
    assert names._looks_like_party(clean)


LETTER = (
    "Orbit Widgets, Inc.\n12 Harbor Road\nBoston, MA 02110\n"
    "Dear Ms. Quill:\nThis letter agreement sets out the terms of your separation. You agree to keep the "
    "Company's confidential information secret for a period of two (2) years. This letter agreement shall be "
    "governed by the laws of the State of Ohio.\n"
    "Sincerely,\n/s/ Peter Vance\nPeter Vance\nChief Executive Officer\n"
    "ACCEPTED AND AGREED TO THIS 4th DAY OF May, 2012:\n/s/ Dana Quill\nName: Dana Quill\n"
)


def test_an_officer_signing_a_letter_is_not_a_party_the_accepting_employee_is():
    out = nda.extract(DocText([LETTER]))
    values = out["party"].value
    assert "Dana Quill" in values
    assert "Peter Vance" not in values
    assert "Orbit Widgets Inc." in values


def test_signer_roles_from_the_signature_block():
    text = "IN WITNESS WHEREOF\nORBIT WIDGETS, INC.\nBy: /s/ Peter Vance\nName: Peter Vance\nTitle: President\n"
    start = text.index("/s/")
    score, cue = signatures._signer_role(text, start, start + len("/s/ Peter Vance"))
    assert score < 0.4, cue
    text = "Accepted and agreed:\n/s/ Dana Quill\nDana Quill\n"
    start = text.index("/s/")
    score, cue = signatures._signer_role(text, start, start + len("/s/ Dana Quill"))
    assert score >= 0.75, cue



def test_officer_title_after_blank_lines_and_its_label_mark_an_officer():
    text = (
        "Sincerely,\n\u00a0\nORBIT WIDGETS, INC.\n\u00a0\n/s/ Peter Vance\n\u00a0\nPeter Vance\n\u00a0\n"
        "Chairman, Compensation Committee\n"
    )
    start = text.index("/s/")
    score, cue = signatures._signer_role(text, start, start + len("/s/ Peter Vance"))
    assert score < 0.4, cue
    text = "IN WITNESS WHEREOF\n/s/ Peter Vance\nBy: Peter Vance\nIts:\nExecutive Vice President\n"
    start = text.index("/s/")
    score, cue = signatures._signer_role(text, start, start + len("/s/ Peter Vance"))
    assert score < 0.4, cue


def test_a_signer_under_an_entity_name_signs_for_it_but_not_one_in_the_next_column():
    text = "IN WITNESS WHEREOF\nORBIT WIDGETS, INC.\n/s/ Peter Vance\nPeter Vance\n"
    start = text.index("/s/")
    assert signatures._signer_role(text, start, start + len("/s/ Peter Vance"))[0] < 0.4
    text = "IN WITNESS WHEREOF\nEMPLOYEE \u00a0 \u00a0 ORBIT WIDGETS, INC.\n/s/ Dana Quill \u00a0 \u00a0 /s/ Peter Vance\nDana Quill\n"
    start = text.index("/s/")
    assert signatures._signer_role(text, start, start + len("/s/ Dana Quill"))[0] >= 0.5


def test_lower_case_incorporated_stays_part_of_the_name():
    doc = make(b="Bolt incorporated")
    assert "Bolt Inc." in nda.extract(doc)["party"].value


def test_a_single_preamble_party_that_signs_again_is_more_credible_than_one_that_does_not():
    signed = make(b="the undersigned")
    unsigned = DocText([signed.text[:signed.text.index("IN WITNESS")]])  # no signature page
    a = nda.extract(signed)["party"]
    b = nda.extract(unsigned)["party"]
    assert a.value == b.value == ["Acme Widgets Inc."]
    assert a.confidence > b.confidence
    assert b.confidence <= 0.5



@pytest.mark.parametrize("preamble", [
    "This Agreement dated April 15, 2014, between Acme Widgets, Inc., a Delaware corporation (“Acme”) with offices at "
    "100 Front Street, Worcester, Massachusetts 01608 and Bolt Energy, Inc., a Delaware corporation located at One "
    "Marina Park Drive, Boston (“Bolt”).\n",
    "This Agreement is entered into as of November 19, 2009, between Acme Widgets, Inc. (“Acme”), on the one hand, "
    "and Bolt Energy, Inc. (“Bolt”), on the other.\n",
    "This Agreement is made by and between Acme Widgets, Inc. an Ohio corporation having a principal place of "
    "business at 1 Riverside Plaza (\"Acme\") and, Bolt Energy, Inc. having a principal place of business at 12 Park "
    "Drive (\"Bolt\").\n",
])
def test_second_party_after_the_first_ones_address_or_on_the_other_hand(preamble):
    out = nda.extract(DocText(["CONFIDENTIALITY AGREEMENT\n" + preamble + BODY]))
    assert out["party"].value == ["Acme Widgets Inc.", "Bolt Energy Inc."]


@pytest.mark.parametrize("opening, name", [
    # a line break inside the name, a no-break space, 'and' inside the name
    ("In connection with a possible transaction involving Acme\nRespiratory Therapeutics, Inc. (the “Company”), you "
     "have asked for information.", "Acme Respiratory Therapeutics Inc."),
    ("You have advised the Company’s agent, Raymond James\u00a0& Associates, Inc. (acting as its agent), that you "
     "wish to receive information.", "Raymond James and Associates Inc."),
    ("The undersigned agrees with the company referred to as the Company and Offshore and Marine\nHoldings LLC "
     "(the “Representative”) as follows.", "Offshore and Marine Holdings LLC"),
])
def test_an_entity_in_the_opening_lines_keeps_its_whole_name(opening, name):
    text = "CONFIDENTIALITY AGREEMENT\n" + opening + "\n" + BODY
    assert name in nda.extract(DocText([text]))["party"].value


def test_a_caption_line_above_an_entity_is_not_part_of_its_name():
    text = "CONFIDENTIALITY AGREEMENT\nLogo\nAcme Securities LLC\nYou have asked for information.\n" + BODY
    assert "Acme Securities LLC" in nda.extract(DocText([text]))["party"].value


def test_an_upper_case_co_ltd_does_not_end_the_opening_sentence():
    text = ("CONFIDENTIALITY AGREEMENT\nThis Agreement governs the disclosure of information by and between ACME "
            "WIDGETS, INC., a Delaware corporation, with offices at 20 Enterprise, Irvine, California, and BOLT "
            "PHARMACEUTICAL CO. LTD. a JAPANESE CORPORATION, with offices in Tokyo (each a “party”).\n" + BODY)
    assert nda.extract(DocText([text]))["party"].value == ["Acme Widgets Inc.", "Bolt Pharmaceutical Co. Ltd."]


def test_an_upper_case_title_or_suffix_does_not_end_the_opening_sentence():
    text = ("CONFIDENTIALITY AGREEMENT\nThis Agreement is made by and between ACME WIDGETS, INC. (hereinafter "
            "referred to as “ACME”) and J. PATRICK SMITH, SR. (hereinafter referred to as “MR. SMITH”).\n" + BODY)
    assert nda.extract(DocText([text]))["party"].value == ["Acme Widgets Inc.", "J. Patrick Smith Sr."]


def test_collectively_with_a_comma_is_a_defined_term():
    text = ("CONFIDENTIALITY AGREEMENT\nThis Agreement is made by and among Acme Widgets Corp., a Delaware "
            "corporation (collectively, “Acme”), and Bolt Energy LLC (“Bolt”).\n" + BODY)
    assert nda.extract(DocText([text]))["party"].value == ["Acme Widgets Corp.", "Bolt Energy LLC"]


@pytest.mark.parametrize("trade_name", ["dba Bolt Labs", "DBA Bolt Labs", "d/b/a Bolt Labs"])
def test_a_trade_name_after_the_legal_name_is_not_part_of_it(trade_name):
    for joint in (" ", ""):  # "Inc.DBA" as some filings print it
        text = ("CONFIDENTIALITY AGREEMENT\nThis Agreement is made by and between Acme Widgets, Inc. (“Acme”) and "
                f"Bolt Energy, Inc.{joint}{trade_name} (“Bolt”).\n" + BODY)
        assert nda.extract(DocText([text]))["party"].value == ["Acme Widgets Inc.", "Bolt Energy Inc."], joint


def test_a_placeholder_is_not_a_party():
    text = ("CONFIDENTIALITY AGREEMENT\nThis Agreement is made by and between Acme Widgets, Inc. (the “Company”), "
            "and XXXX (the “Employee”).\n" + BODY)
    assert nda.extract(DocText([text]))["party"].value == ["Acme Widgets Inc."]


def test_two_entities_read_as_one_name_are_not_accepted():
    text = ("CONFIDENTIALITY AGREEMENT\nThis Agreement is made by and among ACME WIDGETS, INC. and ACME WIDGETS, "
            "L.P. (collectively, the “Company”), and Bolt Energy LLC (“Bolt”).\n" + BODY +
            "IN WITNESS WHEREOF\nACME WIDGETS, INC.\nBy: /s/ Jane Roe\nBOLT ENERGY LLC\nBy: /s/ John Doe\n")
    party = nda.extract(DocText([text]))["party"]
    assert party.status != ACCEPTED and party.confidence <= 0.6


def test_two_column_signature_line_gives_both_names():
    assert signatures._column_names("WORLD WIDGETS, INC. \u00a0 \u00a0BOLT ENERGY, INC.") == ["WORLD WIDGETS, INC.", "BOLT ENERGY, INC."]
    assert signatures._column_names("ACME WIDGETS, INC. BOLT ENERGY LLC") == ["ACME WIDGETS, INC.", "BOLT ENERGY LLC"]
    assert signatures._column_names("ACME PARTNERS LP II") == ["ACME PARTNERS LP II"]
    # one name known from the preamble, the other column's name is what is left of the line
    text = ("CONFIDENTIALITY AGREEMENT\nThis Agreement is made between the company signing below (the “Company”), "
            "and ACME WIDGETS, INC., with a principal place of business at 5 Basel Street (“Acme”).\n" + BODY +
            "IN WITNESS WHEREOF, the parties have executed this Agreement.\nBOLT ENERGY ACME WIDGETS, INC.\n"
            "By: /s/ Jane Roe By: /s/ John Doe\n")
    values = nda.extract(DocText([text]))["party"].value
    assert "Acme Widgets Inc." in values and "Bolt Energy" in values


# --------------------------------------------------------------------------- the SLM where rules are unsure

COMPETING_DATES = (
    "CONFIDENTIALITY AGREEMENT\n"
    "This Confidentiality Agreement is made as of March 3, 2015 between Acme Widgets, Inc. (“Acme”) and "
    "Dana Quill (“Recipient”).\n"
    "1. Recipient shall keep the Confidential Information secret.\n"
    "2. This Agreement is effective as of March 10, 2015 and shall remain in effect for a period of two (2) years "
    "from the date hereof; the Recipient's obligations shall terminate three (3) years after the Effective Date.\n"
    "3. This Agreement shall be governed by the laws of the State of Ohio.\n"
)


class FakeRuntime:
    """Stands in for extraction.slm.runtime: records prompts, says Yes to the candidate holding ``prefer``."""

    def __init__(self, prefer=None, fail=False):
        self.prefer, self.fail, self.prompts = prefer, fail, []

    def score_batch(self, items, **kwargs):
        from extraction.slm.errors import ModelNotBuiltError

        if self.fail:
            raise ModelNotBuiltError("smollm2-135m", "var/models/smollm2-135m", "not built")
        out = []
        for prompt, candidates in items:
            assert candidates == ["Yes", "No"]
            self.prompts.append(prompt)
            yes = self.prefer is not None and f"[[{self.prefer}]]" in prompt
            out.append(type("R", (), {"probabilities": lambda self, y=yes: [0.9, 0.1] if y else [0.2, 0.8]})())
        return out


def test_without_a_runtime_the_rules_decide():
    out = nda.extract(DocText([COMPETING_DATES]))
    assert out["effective_date"].method == "rule"
    assert out["effective_date"].value in ("2015-03-03", "2015-03-10")


def test_the_slm_settles_competing_dates_from_redacted_windows():
    doc = DocText([COMPETING_DATES])
    name = "Dana Quill"
    start = COMPETING_DATES.index(name)
    doc.pii = [(start, start + len(name), "PERSON")]
    fake = FakeRuntime(prefer="March 10, 2015")
    out = nda.extract(doc, runtime=fake)
    date = out["effective_date"]
    assert date.method == "slm"
    assert date.value == "2015-03-10"
    assert date.status != ACCEPTED  # a close call stays with a person
    assert any("slm_yes" in c for c in date.candidates)
    assert fake.prompts and all(name not in p and len(p) < 1000 for p in fake.prompts)
    assert any("<PERSON>" in p for p in fake.prompts)
    # the other way round: the model says the first one
    out = nda.extract(doc, runtime=FakeRuntime(prefer="March 3, 2015"))
    assert out["effective_date"].value == "2015-03-03"


def test_an_unavailable_model_falls_back_to_rules():
    out = nda.extract(DocText([COMPETING_DATES]), runtime=FakeRuntime(fail=True))
    assert out["effective_date"].method == "rule"


def test_no_model_call_when_the_rules_are_sure():
    fake = FakeRuntime()
    out = nda.extract(make(), runtime=fake)
    assert fake.prompts == []
    assert all(r.method == "rule" for r in out.values())


def test_unsure_signer_is_decided_by_the_slm():
    text = (
        "CONFIDENTIALITY AGREEMENT\nIn consideration of my engagement with Orbit Widgets, Inc., I agree to keep "
        "its confidential information secret.\nThis Agreement shall be governed by the laws of the State of Ohio.\n"
        "By: /s/ Dana Quill\n"
    )
    yes = nda.extract(DocText([text]), runtime=FakeRuntime(prefer="Dana Quill"))["party"]
    assert yes.method == "slm" and "Dana Quill" in yes.value
    no = nda.extract(DocText([text]), runtime=FakeRuntime(prefer="nobody"))["party"]
    assert no.method == "slm" and "Dana Quill" not in no.value


# --------------------------------------------------------------------------- with the real models

from tests.slm.conftest import built_models, models_dir  # noqa: E402,F401  (fixtures)


def test_real_slm_takes_part_in_a_close_call(built_models):
    from extraction.slm import runtime

    doc = DocText([COMPETING_DATES])
    out = nda.extract(doc, runtime=runtime)
    date = out["effective_date"]
    assert date.method == "slm"
    assert date.value in ("2015-03-03", "2015-03-10")
    votes = [c["slm_yes"] for c in date.candidates if "slm_yes" in c]
    assert len(votes) >= 2 and all(0.0 <= v <= 1.0 for v in votes)
    assert 0.0 <= date.confidence <= 0.6
    signer = nda.extract(DocText([
        "CONFIDENTIALITY AGREEMENT\nIn consideration of my engagement with Orbit Widgets, Inc., I agree to keep "
        "its confidential information secret.\nThis Agreement shall be governed by the laws of the State of Ohio.\n"
        "By: /s/ Dana Quill\n"]), runtime=runtime)["party"]
    assert signer.method == "slm"
    assert "Orbit Widgets Inc." in signer.value


def test_thresholds_match_the_default_types_file():
    import json
    from pathlib import Path

    types = json.loads((Path(nda.__file__).resolve().parents[2] / "doctypes" / "default_types.json").read_text())

    def find(node):
        if isinstance(node, dict):
            if "nda" in node and isinstance(node["nda"], dict):
                return node["nda"]
            for value in node.values():
                hit = find(value)
                if hit:
                    return hit
        if isinstance(node, list):
            for value in node:
                hit = find(value)
                if hit:
                    return hit
        return None

    spec = json.dumps(find(types))
    for name, threshold in nda.THRESHOLDS.items():
        block = spec[spec.index(f'"{name}"'):]
        assert f'"x-threshold": {threshold}' in block[:block.index("x-threshold") + 30], name
