"""Creating or updating document types from a JSON object shaped like default_types.json
(name -> label, description, schema, rules): the ``import_type`` command uses it.

Every definition is checked by the admin's own form (the one place that says what a valid type
is) before anything is written, and all of them are written in one transaction: a file with one
bad type changes nothing.
"""
import json

from django.db import transaction

from appliance.documents.admin import DocumentTypeForm
from appliance.documents.models import DocumentType


class TypeImportError(ValueError):
    """A type file that cannot be imported; the message says what to fix."""


def read_type_file(path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise TypeImportError(f"Cannot read {path}: {exc.strerror}.") from None
    except (ValueError, RecursionError) as exc:
        raise TypeImportError(f"{path} is not valid JSON ({exc}).") from None
    return data


def import_types(data) -> list[tuple[str, str]]:
    """[(type name, "created" or "updated")] once all are stored; TypeImportError and nothing stored otherwise."""
    if not isinstance(data, dict) or not data:
        raise TypeImportError('The file must hold a JSON object of types: {"name": {"label", "description", "schema", "rules"}}.')
    forms = []
    for name, definition in data.items():
        if not isinstance(definition, dict):
            raise TypeImportError(f"Type {name!r}: its definition must be an object with label, description and schema.")
        missing = [key for key in ("label", "description", "schema") if key not in definition]
        if missing:
            raise TypeImportError(f"Type {name!r}: missing {', '.join(missing)}.")
        instance = DocumentType.objects.filter(name=name).first()
        form = DocumentTypeForm(instance=instance, data={
            "name": name, "label": definition["label"], "description": definition["description"],
            "schema": json.dumps(definition["schema"]), "rules": json.dumps(definition.get("rules", [])),
            "always_review": bool(definition.get("always_review", False)), "active": True,
            "thresholds": json.dumps(instance.thresholds if instance else {}),
        })
        if not form.is_valid():
            problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
            raise TypeImportError(f"Type {name!r}: {problems}")
        forms.append((form, "updated" if instance else "created"))
    with transaction.atomic():
        for form, _ in forms:
            form.save()
    return [(form.instance.name, outcome) for form, outcome in forms]
