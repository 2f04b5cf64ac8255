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


def uses_specialists(type_name: str) -> bool:
    """Whether the type is extracted by the general extractor, whose ranking a trained specialist takes over."""
    return type_name not in _dedicated()


def extract_fields(doc: DocText, spec: TypeSpec, runtime=None) -> dict[str, FieldResult]:
    extractor = _dedicated().get(spec.name)
    if extractor is not None:
        return extractor(doc, runtime=runtime if spec.name in slm_types() else None)
    # Every other type, shipped or defined by an admin: candidates from its schema, ranked by the
    # type's promoted specialist where one is trained, else zero-shot.
    return general.extract(doc, spec, runtime=runtime, specialist=store.load_promoted(spec.name))
