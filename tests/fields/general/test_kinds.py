"""A field's kind comes from its schema alone: the same schema under any name is the same kind."""
import pytest

from extraction.fields.general.kinds import (
    Kind, asks_for_address, asks_for_amount_before_tax, asks_for_names, described_kind, field_kind, kind_of)
from tests.slm.conftest import built_models, models_dir  # noqa: F401  (fixtures)


@pytest.mark.parametrize("prop, kind", [
    ({"type": "string", "format": "date"}, Kind.DATE),
    ({"type": "string", "x-validators": ["calendar_date"]}, Kind.DATE),
    ({"type": "string", "x-validators": ["amount"], "pattern": r"^-?\d+\.\d{2}$"}, Kind.AMOUNT),
    ({"type": "number"}, Kind.AMOUNT),
    ({"type": "string", "x-validators": ["currency"]}, Kind.CURRENCY),
    ({"type": "string", "format": "email"}, Kind.EMAIL),
    ({"type": "string", "x-validators": ["duration"]}, Kind.DURATION),
    ({"type": "string", "x-validators": ["known_place"]}, Kind.PLACE),
    ({"type": "string", "x-validators": ["iban"]}, Kind.IDENTIFIER),
    ({"type": "string", "pattern": "^[A-Z]{3}-\\d{4}$"}, Kind.IDENTIFIER),
    ({"type": "string", "description": "The date the shop's name was registered."}, Kind.TEXT),
    ({"type": "array", "items": {"type": "string", "format": "date"}}, Kind.DATE),
    ({"type": "array", "items": {"type": "string"}}, Kind.TEXT),
])
def test_the_schema_decides_the_kind(prop, kind):
    assert kind_of(prop) is kind


@pytest.fixture
def encode(built_models):
    from extraction.fields.general import Encoder
    from extraction.slm import runtime

    return Encoder(runtime)


@pytest.mark.parametrize("query, kind", [
    ("billed on: When the bill was issued.", Kind.DATE),
    ("made on: The day the contract takes effect.", Kind.DATE),
    ("grand total: Total sum charged to the buyer, tax included.", Kind.AMOUNT),
    ("law of: Which state's or country's laws apply to the contract.", Kind.PLACE),
    ("lasts for: How long the confidentiality obligations last.", Kind.DURATION),
    ("money: The currency of the sums, as a three-letter code.", Kind.CURRENCY),
    ("bill no: The reference number of this bill.", Kind.IDENTIFIER),
    ("seller tax id: The supplier's VAT registration number.", Kind.IDENTIFIER),
    ("tax id: Taxpayer identification number.", Kind.IDENTIFIER),
    ("seller: The business the goods were bought from.", Kind.TEXT),
    ("store address: Where the store is: street, town and postcode.", Kind.TEXT),
    ("parties: Everyone bound by the contract.", Kind.TEXT),
    # Close to an identifier too, but far from free text: still a date.
    ("issued: Issue date.", Kind.DATE),
    ("bound parties: Parties.", Kind.TEXT),  # not a place
    ("subject: What the message is about.", Kind.TEXT),
])
def test_a_plain_string_field_reads_its_kind_from_its_description(encode, query, kind):
    assert described_kind(query, encode) is kind


def test_the_schema_outranks_the_description(encode):
    # A field described like a date but declared an e-mail address is an e-mail address.
    prop = {"type": "string", "format": "email", "description": "When the bill was issued."}
    assert field_kind(prop, "billed on: When the bill was issued.", encode) is Kind.EMAIL
    # Without an encoder (no models built) a plain string stays free text.
    assert field_kind({"type": "string"}, "billed on: When the bill was issued.", None) is Kind.TEXT


@pytest.mark.parametrize("query, names", [
    ("signatories: The companies or people who sign the agreement.", True),
    ("parties: Everyone bound by the contract.", True),
    ("merchant: Name of the business that sold the goods.", True),
    ("bound parties: Parties.", True),
    ("counterparties: The counterparties.", True),
    ("shop location: Street address of the shop.", False),
    ("subject: What the message is about.", False),
])
def test_a_free_text_field_may_ask_for_names(encode, query, names):
    assert asks_for_names(query, encode) is names


@pytest.mark.parametrize("query, address", [
    ("shop location: Street address of the shop.", True),
    ("delivery address: Delivery address.", True),
    ("vendor address: Postal address of the vendor.", True),
    ("recipient: Who the letter is addressed to.", False),  # a person, though the words say "addressed"
    ("merchant: Name of the business that sold the goods.", False),
    ("subject: What the message is about.", False),
])
def test_a_free_text_field_may_ask_for_an_address(encode, query, address):
    assert asks_for_address(query, encode) is address


@pytest.mark.parametrize("query", ["governing law: Governing law.", "applicable law: The law that applies to the agreement."])
def test_a_governing_law_is_a_place(encode, query):
    assert described_kind(query, encode) is Kind.PLACE


@pytest.mark.parametrize("query, before_tax", [
    ("net: The sum before tax is added.", True),
    ("amount untaxed: Total before tax.", True),
    ("gross: The sum due including tax.", False),
    ("total amount: Total amount due.", False),
    ("amount paid: The final amount the customer paid.", False),
    ("net pay: Net pay.", False),  # what an employee is paid after deductions, not a subtotal before tax
])
def test_an_amount_may_ask_for_the_sum_before_tax(encode, query, before_tax):
    assert asks_for_amount_before_tax(query, encode) is before_tax
