"""manage.py import_type: types from a JSON file, checked as the admin checks them; a bad file changes nothing."""
import json

import pytest
from django.core.management import CommandError, call_command

from appliance.documents.models import DocumentType
from tests.fields.general.notices import TYPE, write_type_file
from tests.slm.conftest import built_models, models_dir  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_creates_then_updates_a_type(tmp_path, doc_types, capsys):
    path = write_type_file(tmp_path / "types.json")
    call_command("import_type", str(path))
    assert "parking_notice_t: created" in capsys.readouterr().out
    stored = DocumentType.objects.get(name="parking_notice_t")
    assert stored.schema == TYPE["parking_notice_t"]["schema"]
    stored.thresholds = {"charge": 0.7}
    stored.save()
    changed = {"parking_notice_t": {**TYPE["parking_notice_t"], "description": "A parking fine."}}
    path.write_text(json.dumps(changed))
    call_command("import_type", str(path))
    stored.refresh_from_db()
    assert (stored.description, stored.thresholds) == ("A parking fine.", {"charge": 0.7})  # calibration kept


def test_says_how_each_field_will_be_read(tmp_path, doc_types, capsys, built_models):
    """A field whose schema says only "a string" has its kind read from its description, and the admin is told."""
    path = tmp_path / "types.json"
    path.write_text(json.dumps({"bill_x": {"label": "Bill", "description": "A supplier's bill.", "schema": {
        "type": "object", "properties": {
            "billed_on": {"type": "string", "description": "When the bill was issued."},
            "vendor": {"type": "string", "description": "The company asking to be paid."},
            "ships_to": {"type": "string", "description": "Delivery address."},
            "gross": {"type": "string", "x-validators": ["amount"], "description": "The sum due."},
            "net": {"type": "string", "x-validators": ["amount"], "description": "The sum before tax is added."},
            "parties": {"type": "array", "items": {"type": "string"}}}}}}))
    call_command("import_type", str(path))
    out = capsys.readouterr().out
    assert "billed_on: date (read from its description)" in out
    # Free text says what it asks for, as zero-shot weighs it.
    assert "vendor: text, names (read from its description)" in out
    assert "ships_to: text, an address (read from its description)" in out
    assert "gross: amount (stated in the schema)" in out
    assert "net: amount, the amount before tax (stated in the schema)" in out  # an amount says which one it asks for
    # A bare name is too short to read a kind from ("parties" alone read as a place), so it is free text; as free
    # text it reads as names.
    assert "parties: text, names (no description to read)" in out


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ("[]", "JSON object of types"),
    (json.dumps({"t1": {"label": "T", "description": "d"}}), "missing schema"),
    (json.dumps({"t1": {"label": "T", "description": "d", "schema": {"type": "array"}}}), "schema"),
    (json.dumps({"t1": {"label": "T", "description": "d", "schema": {"type": "object", "properties": {
        "f": {"x-validators": ["no_such_check"]}}}}}), "unknown validator"),
    (json.dumps({"Bad Name!": {"label": "T", "description": "d", "schema": {"type": "object"}}}), "name"),
])
def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_written(tmp_path, doc_types, content, message):
    good = {"good_one": {"label": "G", "description": "g", "schema": {"type": "object", "properties": {}}}}
    data = json.loads(content) if content.startswith("{") and content != "{not json" else None
    path = tmp_path / "types.json"
    path.write_text(json.dumps({**good, **data}) if isinstance(data, dict) else content)
    before = DocumentType.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("import_type", str(path))
    assert DocumentType.objects.count() == before
    assert not DocumentType.objects.filter(name="good_one").exists()
