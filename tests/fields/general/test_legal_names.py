"""Organisations named with their legal form are found whole, wherever the name starts and in any case."""
from extraction.fields.general.legal_names import legal_names


def _names(text):
    return [text[start:end] for start, end in legal_names(text)]


def test_a_name_is_proposed_from_each_of_its_last_words_up_to_its_legal_form():
    assert _names("by and between Victoria Industries, Inc., a Nevada corporation") == [
        "Victoria Industries, Inc.", "Industries, Inc."]


def test_two_names_in_capitals_are_two_names_not_one():
    names = _names("CONFIDENTIALITY AGREEMENT BY AND BETWEEN BIOSITE INC AND\nBECKMAN COULTER, INC.\n")
    assert "BIOSITE INC" in names and "BECKMAN COULTER, INC." in names
    assert not any("BIOSITE" in n and "BECKMAN" in n for n in names)


def test_a_place_after_the_legal_form_is_proposed_with_it_and_without():
    assert set(_names("and Sony Corporation of America, a New York corporation")) == {
        "Sony Corporation", "Sony Corporation of America"}


def test_what_kind_of_company_or_a_defined_term_is_no_name():
    assert _names("a Delaware corporation, which the company shall notify") == []


def test_legal_forms_of_other_countries():
    assert "UNIHAKKA INTERNATIONAL SDN BHD" in _names("UNIHAKKA INTERNATIONAL SDN BHD\n12 JALAN")
    assert "Muster Werke GmbH" in _names("zwischen Muster Werke GmbH und")
    assert "3M Company" in _names("between 3M Company (x)")


def test_a_name_may_start_with_the():
    assert "The Travelers Companies,\xa0Inc." in _names("by and between The Travelers Companies,\xa0Inc., a Minnesota")
