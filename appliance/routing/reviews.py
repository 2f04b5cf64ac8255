"""Labels from people: the review app's FieldCorrection rows.

Each row is a reviewer's decision on one field, with the model's decision as it stood
(``doc_type``, ``confidence``, ``method``, ``reasons``). ``action`` "accepted" means the model's
value was right; "corrected" (to a different value) or "rejected" means it was wrong. The
latest decision per document and field counts.

A threshold could only have accepted a value whose reasons were at most ``low_confidence``
(grounded, validators passed, no policy): the others are not calibration samples. A value the
model had accepted itself has no reasons at all: those are the quality-control sample's
measure of auto-accepted accuracy.
"""
from __future__ import annotations

from django.apps import apps

from appliance.routing.calibration import THRESHOLD_REASON, Unit

ACCEPTED = "accepted"
HUMAN = "human"


def correction_model():
    """The review app's FieldCorrection model, or None where that app does not provide it."""
    try:
        return apps.get_model("review", "FieldCorrection")
    except LookupError:
        return None


def was_right(action: str, before, after) -> bool:
    return action == ACCEPTED or (action == "corrected" and before == after)


def latest_decisions(documents=None) -> list[dict]:
    """The latest reviewer decision per (document, field), oldest first; [] without the review app."""
    model = correction_model()
    if model is None:
        return []
    rows = model.objects.all()
    if documents is not None:
        rows = rows.filter(document__in=documents)
    latest: dict[tuple, dict] = {}
    for row in rows.order_by("at", "id").values(
        "document_id", "field_name", "doc_type", "action", "before", "after", "confidence", "method", "reasons", "at"
    ):
        latest[(row["document_id"], row["field_name"])] = row
    return list(latest.values())


def corrected_fields(documents=None) -> set[tuple[str, str]] | None:
    """{(document id, field)} whose value a reviewer found wrong; None when corrections are not recorded."""
    if correction_model() is None:
        return None
    return {
        (str(row["document_id"]), row["field_name"])
        for row in latest_decisions(documents)
        if not was_right(row["action"], row["before"], row["after"])
    }


def eligible(reasons) -> bool:
    """Could a threshold have accepted it: nothing but low confidence stood in the way."""
    return all(reason == THRESHOLD_REASON for reason in reasons or [])


def units_from_reviews(documents=None) -> list[Unit]:
    """Calibration units from reviewers' decisions. Raises LookupError without the review app's model."""
    if correction_model() is None:
        raise LookupError("review.FieldCorrection")
    units = []
    for row in latest_decisions(documents):
        if row["confidence"] is None or not row["doc_type"]:
            continue  # nothing known of what the model decided
        right = was_right(row["action"], row["before"], row["after"])
        units.append(Unit(row["doc_type"], row["field_name"], float(row["confidence"]), eligible(row["reasons"]),
                          1, 1, int(right)))
    return units
