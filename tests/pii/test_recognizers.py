"""Per-recognizer positives and the false positives the defaults are known for."""
import pytest


@pytest.mark.parametrize("text, kind, value", [
    ("Write to anna.berg@example.org today.", "EMAIL_ADDRESS", "anna.berg@example.org"),
    ("See https://www.example.co.uk/about for details.", "URL", "https://www.example.co.uk/about"),
    ("The login came from 192.168.10.24 last night.", "IP_ADDRESS", "192.168.10.24"),
    ("Please pay to IBAN DE89 3704 0044 0532 0130 00 by Friday.", "IBAN_CODE", "DE89 3704 0044 0532 0130 00"),
    ("my iban is gb82west12345698765432", "IBAN_CODE", "gb82west12345698765432"),
    ("Card 4111 1111 1111 1111 was declined.", "CREDIT_CARD", "4111 1111 1111 1111"),
    ("Supplier VAT: DE136695976.", "EU_VAT", "DE136695976"),
    ("Her SSN is 536-22-8726.", "US_SSN", "536-22-8726"),
    ("My driver's license number is F162823540116", "US_DRIVER_LICENSE", "F162823540116"),
    ("Call me on +1-604-555-0172 tomorrow.", "PHONE_NUMBER", "+1-604-555-0172"),
    ("Mobile: 0688 843 79 56", "PHONE_NUMBER", "0688 843 79 56"),
    ("Desk: (898)666-3621x0135", "PHONE_NUMBER", "(898)666-3621x0135"),
    ("Date of Birth: 03/14/1968", "DATE_OF_BIRTH", "03/14/1968"),
    ("The meeting is on 2021-06-03 10:15:00.", "DATE_TIME", "2021-06-03 10:15:00"),
    ("My father just turned 67 last week.", "AGE", "67"),
    ("This 43 year old man came in with a cough.", "AGE", "43"),
    ("ZIP: 90210", "ZIP_CODE", "90210"),
    ("Codice fiscale RSSMRA85T10A562S on file.", "NATIONAL_ID", "RSSMRA85T10A562S"),
])
def test_detects(found, text, kind, value):
    assert (kind, value) in found(text)


@pytest.mark.parametrize("text, value", [
    ("Send it to 221 Baker Street, London NW1 6XE, United Kingdom please.",
     "221 Baker Street, London NW1 6XE, United Kingdom"),
    ("Address: 123 Main Street, Toronto, ON, M5G 1M6\nPhone: (416) 123-4567",
     "123 Main Street, Toronto, ON, M5G 1M6"),
    ("Lena Koskinen\n\n4810 Koivukuja 12\n Apt. 7\n Tampere\n Finland 33100",
     "4810 Koivukuja 12\n Apt. 7\n Tampere\n Finland 33100"),
    ("She lives at 77 Rua das Flores 12, Porto", "77 Rua das Flores 12, Porto"),
    ("Ship it to PSC 1234, Box 5678\nAPO AE 09876 by Monday.", "PSC 1234, Box 5678\nAPO AE 09876"),
    ("The bus station is on P.O. Box 104", "P.O. Box 104"),
])
def test_street_addresses_are_one_span(found, text, value):
    assert ("STREET_ADDRESS", value) in found(text)


@pytest.mark.parametrize("text, value", [
    ("My name is Szabina Gelencsér.", "Szabina Gelencsér"),
    ("Directed by: Willemine ten Pas", "Willemine ten Pas"),
    ("Have you been to a Ravil G Yefimov concert before?", "Ravil G Yefimov"),
    ("follow up with patricia desrosiers in a couple of months.", "patricia desrosiers"),
    ("Dear Mrs. Labrie, thank you.", "Labrie"),
])
def test_person_names(found, text, value):
    assert ("PERSON", value) in found(text)


def test_names_recur_and_lists_are_people(covered):
    text = "A film directed by Joakim Westgård and starring Westgård."
    assert {"Joakim Westgård", "Westgård"} <= covered(text)
    text = "Verdafero is the brainchild of our 3 founders: Eklund, Michael and Hodge."
    assert {"Eklund", "Michael", "Hodge"} <= covered(text)


@pytest.mark.parametrize("text, value", [
    ("I will be travelling to Canada next week.", "Canada"),
    ("I'm in Flateyri, at the conference", "Flateyri"),
])
def test_locations(covered, text, value):
    assert value in covered(text)


def test_us_phone_number_is_not_an_nhs_number(found):
    kinds = {k for k, v in found("Please call 212-555-0199 after 5pm.") if v == "212-555-0199"}
    assert kinds == {"PHONE_NUMBER"}


@pytest.mark.parametrize("text, bad", [
    # US driver licence patterns of the defaults match plain words.
    ("Please review the attached document carefully.", "document"),
    ("The weekend was wonderful and restful.", "wonderful"),
])
def test_no_driver_licence_on_words(found, text, bad):
    assert not any(k == "US_DRIVER_LICENSE" for k, _ in found(text))


@pytest.mark.parametrize("text", [
    "Room 404 holds 25 people and 3 tables.",
    "Total: 1234.56 paid on 00",
    "The score was 00 to 00 at half time.",
])
def test_no_person_or_date_on_numbers(found, text):
    got = found(text)
    assert not any(k == "PERSON" for k, _ in got)
    assert ("DATE_TIME", "00") not in got


def test_no_organization_on_iban_label(found):
    got = found("IBAN: GB82 WEST 1234 5698 7654 32")
    assert not any(k == "ORGANIZATION" and v == "IBAN" for k, v in got)
    assert ("IBAN_CODE", "GB82 WEST 1234 5698 7654 32") in got


@pytest.mark.parametrize("text", [
    "Capitalized words like Wisdom and Discipline are often mistaken with names.",
    "I'm moving out of the country next week, so please cancel my subscription.",
    "What are my options this morning?",
])
def test_ordinary_sentences_stay_clean(analyzer, text):
    assert analyzer.analyze(text) == []


def test_age_is_only_the_number(found):
    got = found("This 79 year old female complaining of stomach pain.")
    assert got == {("AGE", "79")}


def test_an_agreement_title_in_capitals_is_not_a_person_or_place(found):
    # spaCy reads capitalised titles as names; redacting them would hide what the document is.
    text = ("CONSULTING AND NON-DISCLOSURE AGREEMENT AND GENERAL RELEASE\n\n"
            "EXECUTIVE CONFIDENTIALITY/NON-COMPETE AGREEMENT between John Michael Magouirk and the Company.")
    spans = found(text)
    assert ("PERSON", "John Michael Magouirk") in spans
    assert not any(kind in ("PERSON", "LOCATION") and any(w in value for w in ("AGREEMENT", "DISCLOSURE", "CONFIDENTIALITY", "RELEASE"))
                   for kind, value in spans)


def test_a_name_inside_a_title_stays_redacted(covered):
    # The title words are cut out of the span, not the name with them.
    spans = covered("Exhibit A - William Turner Consulting Agreement")
    assert any("William Turner" in value for value in spans)
    assert not any("Agreement" in value or "Exhibit" in value for value in spans)
