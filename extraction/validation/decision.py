"""The one place that decides whether a field's value is accepted or goes to a person, and whether a
document is done. The validation stage, the larger-model cascade and calibration (re-deciding stored
predictions with new thresholds) all call these functions; the status words are these enums.
"""
from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class FieldStatus(StrEnum):
    ACCEPTED = "accepted"
    NEEDS_REVIEW = "needs_review"
    REJECTED = "rejected"  # a reviewer said the document holds no such value


class DocumentStatus(StrEnum):
    DONE = "done"
    NEEDS_REVIEW = "needs_review"


# Why a value goes to a person, in the order they are listed.
NO_EVIDENCE = "no_evidence"
VALIDATOR_FAILED = "validator_failed"
LOW_CONFIDENCE = "low_confidence"
POLICY_ALWAYS_REVIEW = "policy_always_review"
# Two ways of deciding (a specialist and the type's rules, or zero-shot where the type has none, or the small and the
# larger model) chose differently.
METHODS_DISAGREE = "methods_disagree"
CHECKS = (NO_EVIDENCE, VALIDATOR_FAILED, LOW_CONFIDENCE)
# A confidence is shown, written to predictions and compared with thresholds at this many decimals; training and
# calibration fit thresholds on the same rounded values. Compared unrounded,
# a specialist's 0.99997 read "1.0" to a reviewer and yet fell short of its threshold of 1.0 (312 of 426 receipts'
# company names on the evaluation set).
CONFIDENCE_DECIMALS = 4


def shown_confidence(confidence) -> float:
    return round(float(confidence or 0.0), CONFIDENCE_DECIMALS)


def field_reasons(*, grounded: bool, validators_passed: bool, confidence: float, threshold: float,
                  notes: Iterable[str] = (), always_review: bool = False) -> list[str]:
    """Every reason a person must look at the value; none means it is accepted.

    A value is accepted only when it is grounded in the text, every validator passes, its confidence
    clears the field's threshold, the extractor (or the cascade) left no note for a person, and the
    type's policy does not send every document to a person."""
    reasons = []
    if not grounded:
        reasons.append(NO_EVIDENCE)
    if not validators_passed:
        reasons.append(VALIDATOR_FAILED)
    if shown_confidence(confidence) < threshold:
        reasons.append(LOW_CONFIDENCE)
    reasons += [note for note in dict.fromkeys(notes) if note not in reasons and note != POLICY_ALWAYS_REVIEW]
    if always_review and not reasons:
        reasons.append(POLICY_ALWAYS_REVIEW)
    return reasons


def field_status(reasons: Iterable[str]) -> FieldStatus:
    return FieldStatus.NEEDS_REVIEW if list(reasons) else FieldStatus.ACCEPTED


def document_status(field_statuses: Iterable[str], issues: Iterable[str]) -> DocumentStatus:
    """Done when every field is accepted and nothing is wrong with the document as a whole (a required
    field missing, the type's policy)."""
    done = all(status == FieldStatus.ACCEPTED for status in field_statuses) and not list(issues)
    return DocumentStatus.DONE if done else DocumentStatus.NEEDS_REVIEW
