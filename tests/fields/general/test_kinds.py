"""A field's kind comes from its schema alone: the same schema under any name is the same kind."""
import pytest

from extraction.fields.general.kinds import Kind, kind_of


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
