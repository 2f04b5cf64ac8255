"""Admins add and edit document types in the admin; the schema editor refuses invalid schemas."""
import json

import pytest
from django.test import Client

from appliance.documents.admin import DocumentTypeForm
from appliance.documents.models import DocumentType

VALID = {"type": "object", "properties": {"policy_number": {"type": "string", "x-validators": []}}, "required": []}


def form(schema, rules="[]"):
    return DocumentTypeForm(data={"name": "policy", "label": "Policy", "description": "An insurance policy.",
                                  "schema": json.dumps(schema), "rules": rules, "thresholds": "{}", "active": "on"})


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
    ],
)
def test_invalid_schemas_and_rules_are_refused_with_the_reason(schema, rules, message):
    bound = form(schema, rules)
    assert not bound.is_valid()
    assert message in str(bound.errors)
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
