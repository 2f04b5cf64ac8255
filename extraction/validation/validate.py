"""Validating a document's extracted fields and deciding each field's and the document's status."""
from __future__ import annotations

from dataclasses import dataclass, field

from jsonschema import Draft202012Validator, FormatChecker

from extraction.doctypes.registry import TypeSpec
from extraction.fields.result import FieldResult, ValidatorResult, decide
from extraction.validation.decision import POLICY_ALWAYS_REVIEW, DocumentStatus, document_status
from extraction.validation.rules import RULES
from extraction.validation.validators import VALIDATORS

DONE = DocumentStatus.DONE
NEEDS_REVIEW = DocumentStatus.NEEDS_REVIEW


@dataclass
class DocumentValidation:
    status: str
    issues: list[str] = field(default_factory=list)  # document-level reasons, e.g. "missing_required:date"


def _add(result: FieldResult, check: ValidatorResult):
    if not any(existing.name == check.name for existing in result.validators):
        result.validators.append(check)


def validate_document(spec: TypeSpec, fields: dict[str, FieldResult], context: dict | None = None) -> DocumentValidation:
    """Run typed validators, the JSON Schema and the cross-field rules, then decide every status."""
    context = context or {}
    specs = {f.name: f for f in spec.fields}
    for name, result in list(fields.items()):
        if name not in specs:
            # The type does not know this field (the admin removed it): drop it rather than store it unchecked.
            del fields[name]
            continue
        values = result.value if isinstance(result.value, list) else [result.value]
        for validator in specs[name].validators:
            outcomes = [VALIDATORS[validator](value) for value in values]
            passed = all(ok for ok, _ in outcomes)
            message = next((msg for ok, msg in outcomes if not ok), "")
            _add(result, ValidatorResult(validator, passed, message))

    values = {name: result.value for name, result in fields.items()}
    schema_validator = Draft202012Validator(
        {**spec.schema, "required": []}, format_checker=FormatChecker()
    )
    for error in schema_validator.iter_errors(values):
        name = error.path[0] if error.path else None
        if name in fields:
            _add(fields[name], ValidatorResult("schema", False, error.validator))

    for rule_name in spec.rules:
        outcome = RULES[rule_name](values, context)
        if outcome is not None:
            names, check = outcome
            for name in names:
                if name in fields:
                    _add(fields[name], check)

    for name, result in fields.items():
        decide(result, specs[name].threshold, always_review=spec.always_review)

    issues = [f"missing_required:{f.name}" for f in spec.fields if f.required and f.name not in fields]
    if spec.always_review:
        issues.append(POLICY_ALWAYS_REVIEW)
    return DocumentValidation(document_status((r.status for r in fields.values()), issues), issues)
