"""Which extractor handles which document type, and where the small model takes part."""
from __future__ import annotations

import os

from extraction.doctypes.registry import TypeSpec
from extraction.evidence import DocText
from extraction.fields import general
from extraction.fields.general import store
from extraction.fields.result import FieldResult

# Types whose extractor consults the SLM on close calls. Measured on ../shared/eval: on receipts
# SmolLM2-135M confirming the rules' total lifts automation 0.58 -> 0.70 at the same precision
# (~0.1 s a document); on NDAs its votes made date and term slightly worse (field accuracy
# 0.875 -> 0.872) at ~0.5 s a document, so NDAs use rules until a stronger model is registered.
# (The invoice extractor is rules only: it takes no model.) COLONY_SLM_FIELD_TYPES overrides the list.
DEFAULT_SLM_TYPES = "receipt"


def slm_types() -> set[str]:
    return {name.strip() for name in os.environ.get("COLONY_SLM_FIELD_TYPES", DEFAULT_SLM_TYPES).split(",") if name.strip()}


def _dedicated():
    from extraction.fields import invoice, nda, receipt

    return {"invoice": invoice.extract, "receipt": receipt.extract, "nda": nda.extract}


def has_rules(type_name: str) -> bool:
    """Whether the type has dedicated code (receipt, nda, invoice)."""
    return type_name in _dedicated()


def rule_fields(doc: DocText, spec: TypeSpec, runtime=None) -> dict[str, FieldResult] | None:
    """What the type's dedicated code finds; None for a type without any."""
    extractor = _dedicated().get(spec.name)
    if extractor is None:
        return None
    return extractor(doc, runtime=runtime if spec.name in slm_types() else None)


def extract_with(doc: DocText, spec: TypeSpec, runtime=None, specialist=None) -> dict[str, FieldResult]:
    """The type's fields with ``specialist`` ranking (None: none trained; a SpecialistError: unusable).

    Every type's candidates come from its schema (the general extractor); a trained specialist ranks
    them, else zero-shot does. A type with dedicated code (receipt, nda, invoice) keeps its rules'
    values until a specialist is trained; then the rules' votes are among the specialist's features.
    """
    rules = rule_fields(doc, spec, runtime)
    if rules is not None and specialist is None:
        return rules
    return general.extract(doc, spec, runtime=runtime, specialist=specialist, rules=rules)


def extract_fields(doc: DocText, spec: TypeSpec, runtime=None) -> dict[str, FieldResult]:
    """The pipeline's extraction: the type's promoted specialist, if any."""
    return extract_with(doc, spec, runtime, store.load_promoted(spec.name))
