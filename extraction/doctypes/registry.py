"""Reading type definitions: fields, their thresholds and validators, and the schema itself."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

DEFAULT_TYPES_FILE = Path(__file__).with_name("default_types.json")
OTHER = "other"
# Threshold a field's confidence must clear to be accepted without a person, unless the schema
# (x-threshold) or calibration says otherwise.
DEFAULT_THRESHOLD = 0.9


@dataclass(frozen=True)
class FieldSpec:
    name: str
    description: str
    is_list: bool
    personal: bool
    threshold: float
    validators: tuple[str, ...]
    required: bool


@dataclass
class TypeSpec:
    name: str
    label: str
    description: str
    schema: dict
    rules: list[str] = field(default_factory=list)
    always_review: bool = False
    thresholds: dict[str, float] = field(default_factory=dict)  # calibrated, override x-threshold

    @property
    def fields(self) -> list[FieldSpec]:
        required = set(self.schema.get("required", []))
        specs = []
        for name, prop in self.schema.get("properties", {}).items():
            specs.append(
                FieldSpec(
                    name=name,
                    description=prop.get("description", ""),
                    is_list=prop.get("type") == "array",
                    personal=bool(prop.get("x-personal")),
                    threshold=float(self.thresholds.get(name, self.schema_threshold(name))),
                    validators=tuple(prop.get("x-validators", ())),
                    required=name in required,
                )
            )
        return specs

    def schema_threshold(self, name: str) -> float:
        """The field's threshold as its type's schema states it (``x-threshold``), before calibration or training."""
        return float(self.schema.get("properties", {}).get(name, {}).get("x-threshold", DEFAULT_THRESHOLD))

    def thresholds_by_field(self) -> dict[str, float]:
        return {spec.name: spec.threshold for spec in self.fields}

    def field(self, name: str) -> FieldSpec | None:
        return next((spec for spec in self.fields if spec.name == name), None)


class SchemaError(ValueError):
    pass


def check_schema(schema: dict) -> None:
    """Refuse a schema that is not valid JSON Schema or does not describe an object's fields
    in the shape TypeSpec reads (an object per field, a list of validator names, a number threshold)."""
    from jsonschema.exceptions import SchemaError as JsonSchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except JsonSchemaError as exc:
        raise SchemaError(f"Not a valid JSON Schema: {exc.message}") from exc
    if (not isinstance(schema, dict) or schema.get("type") != "object"
            or not isinstance(schema.get("properties", {}), dict)):
        raise SchemaError('The schema must be {"type": "object", "properties": {...}}.')
    from extraction.validation.validators import VALIDATORS

    for name, prop in schema.get("properties", {}).items():
        if not isinstance(prop, dict):
            raise SchemaError(f'Field {name!r}: its definition must be an object, like {{"type": "string"}}.')
        validators = prop.get("x-validators", [])
        if not isinstance(validators, list) or not all(isinstance(v, str) for v in validators):
            raise SchemaError(f"Field {name!r}: x-validators must be a list of validator names.")
        for validator in validators:
            if validator not in VALIDATORS:
                raise SchemaError(f"Field {name!r}: unknown validator {validator!r}; known: {', '.join(VALIDATORS)}.")
        if "x-threshold" in prop and not is_number(prop["x-threshold"]):
            raise SchemaError(f"Field {name!r}: x-threshold must be a number, like 0.9.")


def is_number(value) -> bool:
    """A finite JSON number (not a boolean)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class TypeRegistry(dict):
    """Type name -> TypeSpec, always including ``other``."""

    @property
    def names(self) -> list[str]:
        return list(self)


def types_from_json(data: dict) -> TypeRegistry:
    registry = TypeRegistry()
    for name, spec in data.items():
        registry[name] = TypeSpec(
            name=name,
            label=spec["label"],
            description=spec["description"],
            schema=spec["schema"],
            rules=list(spec.get("rules", [])),
            always_review=bool(spec.get("always_review", False)),
        )
    return registry


@lru_cache(maxsize=1)
def default_types_data() -> dict:
    return json.loads(DEFAULT_TYPES_FILE.read_text(encoding="utf-8"))


def default_registry() -> TypeRegistry:
    return types_from_json(default_types_data())
