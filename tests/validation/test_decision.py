"""One decision point: the validation stage, the cascade and calibration's re-deciding of stored
predictions reach the same status and reasons for the same facts."""
import itertools

import pytest

from appliance.routing.calibration import redecide
from extraction.evidence import Span
from extraction.fields.result import FieldResult, ValidatorResult, decide
from extraction.validation.decision import DocumentStatus, FieldStatus, document_status, field_reasons


@pytest.mark.parametrize("grounded, passed, confidence, notes, always_review", itertools.product(
    [True, False], [True, False], [0.5, 0.95], [(), ("specialist_unavailable",)], [False, True]))
def test_the_stage_and_calibration_decide_alike(grounded, passed, confidence, notes, always_review):
    result = FieldResult(name="total", value="9.00", confidence=confidence,
                         evidence=[Span(1, 0, 4)] if grounded else [],
                         validators=[ValidatorResult("amount", passed)], notes=list(notes))
    decide(result, 0.9, always_review=always_review)
    stored = {**result.as_dict(), "status": "needs_review", "reasons": result.reasons}
    again = redecide(stored, 0.9)
    assert (again["status"], again["reasons"]) == (result.status, result.reasons)
    # Accepted exactly when nothing at all is in doubt.
    assert (result.status == FieldStatus.ACCEPTED) == (grounded and passed and confidence >= 0.9 and not notes
                                                       and not always_review)


def test_a_lower_threshold_from_calibration_accepts_a_value_whose_only_doubt_was_confidence():
    reasons = field_reasons(grounded=True, validators_passed=True, confidence=0.7, threshold=0.9)
    stored = {"value": "9.00", "confidence": 0.7, "evidence": [{"page": 1}], "validators": [], "reasons": reasons}
    assert redecide(stored, 0.6) == {**stored, "reasons": [], "status": "accepted"}
    failing = {**stored, "validators": [{"name": "amount", "passed": False}]}
    assert redecide(failing, 0.6)["reasons"] == ["validator_failed"]  # no threshold argues a failed check away


def test_a_document_is_done_only_when_every_field_is_accepted_and_nothing_else_is_wrong():
    assert document_status(["accepted", "accepted"], []) == DocumentStatus.DONE
    assert document_status(["accepted", "needs_review"], []) == DocumentStatus.NEEDS_REVIEW
    assert document_status(["accepted"], ["missing_required:total"]) == DocumentStatus.NEEDS_REVIEW


def test_a_confidence_is_compared_with_its_threshold_as_it_is_shown():
    # 0.99997 is shown (and stored) as 1.0: it clears a threshold of 1.0, as a reviewer reading "1.0" expects.
    assert field_reasons(grounded=True, validators_passed=True, confidence=0.99997, threshold=1.0) == []
    assert field_reasons(grounded=True, validators_passed=True, confidence=0.99994, threshold=1.0) == ["low_confidence"]
    result = FieldResult(name="total", value="9.00", confidence=0.99997, evidence=[Span(1, 0, 4)])
    decide(result, 1.0)
    assert (result.as_dict()["confidence"], result.status) == (1.0, FieldStatus.ACCEPTED)
