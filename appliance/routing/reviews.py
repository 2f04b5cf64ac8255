"""Labels from people: fields a reviewer confirmed (correct) or corrected (wrong).

A reviewed field is an ExtractedField whose method is ``human``. What the machine had decided
before the person looked (its confidence, evidence, validators and outcome) is read from the
audit log's latest ``field_extracted`` event for that document and field, since the row itself
now holds the reviewer's value. Corrections come from the review app's
``FieldCorrection(document, field, before, after, ...)``: a reviewed field with a correction whose
``after`` differs from its ``before`` was wrong, any other reviewed field was right.
"""
from __future__ import annotations

from django.apps import apps

from appliance.routing.calibration import Unit

HUMAN = "human"


def correction_model():
    """The review app's FieldCorrection model, or None while that app does not provide it."""
    try:
        return apps.get_model("review", "FieldCorrection")
    except LookupError:
        return None


def corrected_fields(document_ids) -> set[tuple[str, str]] | None:
    """{(document id, field)} that a reviewer changed; None when corrections are not recorded."""
    model = correction_model()
    if model is None:
        return None
    out = set()
    rows = model.objects.filter(document_id__in=list(document_ids)).values_list("document_id", "field", "before", "after")
    for document_id, name, before, after in rows:
        if before != after:
            out.add((str(document_id), name))
    return out


def machine_decisions(document_ids) -> dict[tuple[str, str], dict]:
    """{(document id, field): the machine's decision} from the latest field_extracted audit event."""
    from audit.models import AuditEvent

    out: dict[tuple[str, str], dict] = {}
    events = (
        AuditEvent.objects.filter(kind="field_extracted", document_id__in=list(document_ids))
        .order_by("seq")
        .values("document_id", "field", "confidence", "evidence", "validators", "outcome", "route", "reason")
    )
    for event in events:  # later events overwrite earlier ones: the last extraction counts
        out[(str(event["document_id"]), event["field"])] = event
    return out


def eligible(decision: dict) -> bool:
    """Could a threshold have accepted it: grounded and every validator passed."""
    if not decision.get("evidence"):
        return False
    if any(not v.get("passed", True) for v in decision.get("validators") or []):
        return False
    return decision.get("reason") in ("", None, "low_confidence") or decision.get("outcome") == "accepted"


def reviewed_fields(documents_qs=None):
    """ExtractedField rows a person settled, with their document's type."""
    from appliance.documents.models import ExtractedField

    rows = ExtractedField.objects.filter(method=HUMAN).select_related("document__doc_type")
    if documents_qs is not None:
        rows = rows.filter(document__in=documents_qs)
    return rows


def units_from_reviews(documents_qs=None) -> list[Unit]:
    """Calibration units from reviewed fields. Raises LookupError when corrections are not recorded."""
    rows = list(reviewed_fields(documents_qs))
    ids = {str(row.document_id) for row in rows}
    corrected = corrected_fields(ids)
    if corrected is None:
        raise LookupError("review.FieldCorrection")
    decisions = machine_decisions(ids)
    units = []
    for row in rows:
        decision = decisions.get((str(row.document_id), row.name))
        if decision is None or decision.get("confidence") is None:
            continue  # no record of what the machine decided: nothing to learn from
        doc_type = row.document.doc_type.name if row.document.doc_type else ""
        correct = (str(row.document_id), row.name) not in corrected
        units.append(Unit(doc_type, row.name, float(decision["confidence"]), eligible(decision), 1, 1, int(correct)))
    return units
