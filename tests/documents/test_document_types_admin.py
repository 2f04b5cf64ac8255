"""Admins add and edit document types in the admin; the schema editor refuses invalid schemas."""
import json

import pytest
from django.test import Client

from appliance.documents.admin import DocumentTypeForm
from appliance.documents.models import DocumentType

VALID = {"type": "object", "properties": {"policy_number": {"type": "string", "x-validators": []}}, "required": []}


def form(schema, rules="[]", thresholds="{}"):
    return DocumentTypeForm(data={"name": "policy", "label": "Policy", "description": "An insurance policy.",
                                  "schema": json.dumps(schema), "rules": rules, "thresholds": thresholds, "active": "on"})


@pytest.mark.django_db
def test_a_valid_schema_is_saved_and_used_by_the_pipeline():
    bound = form(VALID)
    assert bound.is_valid()
    bound.save()
    from appliance.documents.processing import type_registry

    assert [f.name for f in type_registry()["policy"].fields] == ["policy_number"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "schema, rules, message",
    [
        ({"type": "object", "properties": {"x": {"type": "strng"}}}, "[]", "Not a valid JSON Schema"),
        ({"type": "array"}, "[]", "must be"),
        ({"type": "object", "properties": {"x": {"type": "string", "x-validators": ["nonsense"]}}}, "[]", "unknown validator"),
        (VALID, '["no_such_rule"]', "Unknown rules"),
        # Valid JSON Schema, but not in the shape the pipeline reads, or not storable in jsonb: no 500.
        (True, "[]", "must be"),
        ({"type": "object", "properties": {"x": True}}, "[]", "must be an object"),
        ({"type": "object", "properties": {"x": {"x-validators": 5}}}, "[]", "list of validator names"),
        ({"type": "object", "properties": {"x": {"x-validators": [["iban"]]}}}, "[]", "list of validator names"),
        ({"type": "object", "properties": {"x": {"x-threshold": "high"}}}, "[]", "x-threshold must be a number"),
        ({"type": "object", "properties": {"x": {"type": "string", "description": "a\x00b"}}}, "[]", "NUL character"),
        ({"type": "object", "properties": {"x\x00": {"type": "string"}}}, "[]", "NUL character"),
        ({"type": "object", "properties": {"x": {"x-threshold": float("nan")}}}, "[]", "NaN and Infinity"),
        (VALID, "5", "list of rule names"),
        (VALID, '[["no_such_rule"]]', "list of rule names"),
        (VALID, '["a\\u0000"]', "NUL character"),
    ],
)
def test_invalid_schemas_and_rules_are_refused_with_the_reason(schema, rules, message):
    bound = form(schema, rules)
    assert not bound.is_valid()
    assert message in str(bound.errors)
    assert not DocumentType.objects.filter(name="policy").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("thresholds, message", [
    ("null", None), ("", None),
    ("[]", "map field names to numbers"), ('{"policy_number": "high"}', "map field names to numbers"),
    ('{"policy_number": NaN}', "NaN and Infinity"), ('{"policy_number": 1e999}', "NaN and Infinity"),
])
def test_thresholds_must_map_fields_to_numbers(thresholds, message):
    bound = form(VALID, thresholds=thresholds)
    if message is None:  # an empty box is no thresholds
        assert bound.is_valid(), bound.errors
        assert bound.save().thresholds == {}
    else:
        assert not bound.is_valid()
        assert message in str(bound.errors["thresholds"])
        assert not DocumentType.objects.filter(name="policy").exists()


@pytest.mark.django_db
def test_the_admin_page_answers_a_bad_schema_with_the_form_not_a_500(make_user):
    browser = Client()
    browser.force_login(make_user("admin"))
    page = browser.post("/admin/documents/documenttype/add/", {
        "name": "policy", "label": "Policy", "description": "An insurance policy.",
        "schema": '{"type": "object", "properties": {"x": {"type": "string", "description": "a\\u0000"}}}',
        "rules": "[]", "thresholds": "{}", "active": "on",
        "examples-TOTAL_FORMS": "0", "examples-INITIAL_FORMS": "0",
    })
    assert page.status_code == 200
    assert "NUL character" in page.content.decode()
    assert not DocumentType.objects.filter(name="policy").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("schema", [
    "[" * 100_000 + "]" * 100_000,  # too deep for json.loads
    '{"type": "object", "properties": {"x": ' + '{"items": ' * 900 + "{}" + "}" * 900 + "}}",  # for jsonschema
])
def test_json_nested_too_deeply_is_refused_with_the_form(make_user, schema):
    browser = Client()
    browser.force_login(make_user("admin"))
    page = browser.post("/admin/documents/documenttype/add/", {
        "name": "policy", "label": "Policy", "description": "An insurance policy.", "schema": schema,
        "rules": "[]", "thresholds": "{}", "active": "on", "examples-TOTAL_FORMS": "0", "examples-INITIAL_FORMS": "0",
    })
    assert page.status_code == 200
    assert "nested too deeply" in page.content.decode()
    assert not DocumentType.objects.filter(name="policy").exists()


@pytest.mark.django_db
def test_admin_lists_the_shipped_types(make_user):
    browser = Client()
    browser.force_login(make_user("admin"))
    page = browser.get("/admin/documents/documenttype/")
    assert page.status_code == 200
    for name in ("invoice", "receipt", "nda", "other"):
        assert name.encode() in page.content
    assert browser.get(f"/admin/documents/documenttype/{DocumentType.objects.get(name='nda').pk}/change/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"status__exact": "done\x00"}, {"q": "\x00"}, {"media_type\x00": "x"}])
def test_an_admin_list_filter_with_a_nul_character_is_a_400_not_a_500(make_user, query):
    browser = Client()
    browser.force_login(make_user("admin"))
    answer = browser.get("/admin/documents/document/", query)
    assert answer.status_code == 400
    assert b"NUL" in answer.content
    # the same page without the NUL still works, and the guard leaves other pages alone
    assert browser.get("/admin/documents/document/", {"status__exact": "done"}).status_code == 200
    assert browser.get("/", {"q": "\x00"}).status_code == 200
