"""Typed validators on good and bad values, and how validation decides field and document statuses."""
from __future__ import annotations

import pytest

from extraction.doctypes.registry import default_registry
from extraction.evidence import Span
from extraction.fields.result import ACCEPTED, NEEDS_REVIEW, FieldResult
from extraction.validation import validators as v
from extraction.validation.validate import DONE, validate_document


@pytest.mark.parametrize("check, good, bad", [
    (v.iban, "DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 01"),  # one digit changed: mod 97 fails
    (v.iban, "GB82WEST12345698765432", "GB82WEST1234569876543"),  # a character short for GB
    (v.luhn, "4111 1111 1111 1111", "4111 1111 1111 1112"),
    (v.luhn, "5500-0000-0000-0004", "5500 0000 04"),  # too short to be a card number
    (v.vat_id, "DE123456789", "DE12345678"),
    (v.vat_id, "NL123456789B01", "NL123456789"),
    (v.vat_id, "EL094259216", "EL09425921"),
    (v.calendar_date, "2024-02-29", "2023-02-29"),  # 2023 is no leap year
    (v.calendar_date, "2019-12-31", "1850-01-01"),
    (v.amount, "1234.50", "12,34"),
    (v.currency, "EUR", "EURO"),
    (v.duration, "2 years", "two years"),
    (v.duration, "18 months", "30 days"),
    (v.email, "billing@example.com", "billing at example.com"),
    (v.known_place, "New York", "in any action, Suit or proceeding"),
    (v.known_place, "England and Wales", "Gotham"),
])
def test_validator_passes_good_and_fails_bad_values(check, good, bad):
    assert check(good) == (True, "")
    passed, message = check(bad)
    assert passed is False and message


@pytest.mark.parametrize("place", ["State of New York", "the Commonwealth of Massachusetts", "England & Wales",
                                   "United States", "Queensland", "the Netherlands", "Hong Kong SAR"])
def test_places_as_a_reviewer_may_write_them_are_known(place):
    assert v.known_place(place) == (True, "")


def test_greek_vat_numbers_are_read_with_either_prefix():
    assert v.vat_id("GR094259216")[0] is True


def _field(name, value, confidence=0.99):
    return FieldResult(name, value, confidence, [Span(1, 0, 5)])


def test_confident_grounded_valid_fields_are_accepted_and_the_document_is_done():
    receipt = default_registry()["receipt"]
    fields = {
        "company": _field("company", "ACME SDN BHD"),
        "date": _field("date", "2018-12-25"),
        "address": _field("address", "NO 1, JALAN BESAR, 50000 KUALA LUMPUR"),
        "total": _field("total", "9.00"),
    }
    outcome = validate_document(receipt, fields, {"subtotal": "8.49", "tax": "0.51"})
    assert outcome.status == DONE
    assert all(f.status == ACCEPTED for f in fields.values())
    assert any(c.name == "subtotal_plus_tax_is_total" and c.passed for c in fields["total"].validators)


def test_a_failed_validator_sends_a_confident_value_to_review():
    nda = default_registry()["nda"]
    fields = {"jurisdiction": _field("jurisdiction", "in any action, Suit or proceeding"),
              "party": _field("party", ["Acme Inc.", "Beta LLC"])}
    outcome = validate_document(nda, fields)
    assert fields["jurisdiction"].status == NEEDS_REVIEW
    assert fields["jurisdiction"].reasons == ["validator_failed"]
    assert fields["party"].status == ACCEPTED
    assert outcome.status == NEEDS_REVIEW


def test_cross_field_rules_flag_both_fields_they_concern():
    invoice = default_registry()["invoice"]
    fields = {"amount": _field("amount", "100.00"), "amount_untaxed": _field("amount_untaxed", "121.00")}
    validate_document(invoice, fields)
    for name in ("amount", "amount_untaxed"):
        assert fields[name].status == NEEDS_REVIEW
        failed = [c for c in fields[name].validators if not c.passed]
        assert [c.name for c in failed] == ["untaxed_not_above_total"]


def test_receipt_total_that_subtotal_and_tax_do_not_add_up_to_is_not_accepted():
    receipt = default_registry()["receipt"]
    fields = {"total": _field("total", "9.00")}
    validate_document(receipt, fields, {"subtotal": "8.00", "tax": "0.48"})
    assert fields["total"].status == NEEDS_REVIEW
    assert "validator_failed" in fields["total"].reasons


def test_schema_pattern_and_missing_required_field_keep_the_document_in_review():
    nda = default_registry()["nda"]
    fields = {"term": _field("term", "30 days")}
    outcome = validate_document(nda, fields)
    assert {c.name for c in fields["term"].validators if not c.passed} == {"duration", "schema"}
    assert outcome.issues == ["missing_required:party"]
    assert outcome.status == NEEDS_REVIEW


def test_ungrounded_or_unsure_values_are_not_accepted_and_unknown_fields_are_dropped():
    receipt = default_registry()["receipt"]
    fields = {
        "total": FieldResult("total", "9.00", 0.99, []),  # no evidence in the text: invented
        "date": _field("date", "2018-12-25", confidence=0.2),
        "shoe_size": _field("shoe_size", "42"),
    }
    validate_document(receipt, fields)
    assert fields["total"].reasons == ["no_evidence"]
    assert fields["date"].reasons == ["low_confidence"]
    assert "shoe_size" not in fields
