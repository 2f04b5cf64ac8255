"""Fields of types without a dedicated extractor: values next to labels named like the field.

A field ``policy_number`` is looked for after "policy number"; dates, amounts and
e-mails are matched by format. Confidence stays modest, so a person confirms these
until calibration (from reviewed documents) shows they can be trusted.
"""
from __future__ import annotations

from extraction.doctypes.registry import TypeSpec
from extraction.evidence import DocText
from extraction.fields.labels import best, labelled_candidates
from extraction.fields.normalize import normalize_amount, normalize_date
from extraction.fields.result import FieldResult

PATTERNS = {
    "date": (r"(\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]+\.?\s+\d{4})", normalize_date),
    "amount": (r"((?:[$€£]\s*)?-?\d{1,3}(?:[ ,.]\d{3})*(?:[.,]\d{2})|\d+[.,]\d{2})", normalize_amount),
    "email": (r"([\w.+-]+@[\w-]+(?:\.[\w-]+)+)", lambda s: s.strip()),
    "text": (r"([^\n:]{2,80})", lambda s: s.strip() or None),
}
GENERIC_CONFIDENCE = 0.6


def _kind(validators, name):
    if "calendar_date" in validators:
        return "date"
    if "amount" in validators:
        return "amount"
    if "email" in validators:
        return "email"
    return "text"


def extract(doc: DocText, spec: TypeSpec, runtime=None) -> dict[str, FieldResult]:
    fields = {}
    for field in spec.fields:
        if field.is_list:
            continue
        pattern, normalise = PATTERNS[_kind(field.validators, field.name)]
        label = field.name.replace("_", r"[\s_]*")
        candidates = labelled_candidates(doc, [label], pattern, normalise, score=GENERIC_CONFIDENCE)
        chosen, confidence = best(candidates)
        if chosen is None:
            continue
        fields[field.name] = FieldResult(
            name=field.name, value=chosen.value, raw=chosen.text, confidence=confidence, evidence=[chosen.span],
            candidates=[{"value": c.value, "score": c.score} for c in candidates[:5]],
        )
    return fields
