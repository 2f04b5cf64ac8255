"""What extraction says about one field, and the statuses it can end in."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extraction.evidence import Span
from extraction.validation.decision import FieldStatus, field_reasons, field_status, shown_confidence

ACCEPTED = FieldStatus.ACCEPTED
NEEDS_REVIEW = FieldStatus.NEEDS_REVIEW

# How a value was decided; routing adds "llm" and reviewers "human".
METHODS = ("rule", "slm", "llm", "human")


@dataclass
class Candidate:
    """A value that exists in the document, with where it stands and how plausible the rules find it."""

    value: Any  # normalised value (ISO date, decimal string, ...)
    text: str  # as written in the document
    span: Span
    score: float = 0.0  # rule prior in [0, 1]
    cue: str = ""  # why it is a candidate, e.g. "line says TOTAL"


@dataclass
class ValidatorResult:
    name: str
    passed: bool
    message: str = ""

    def as_dict(self):
        return {"name": self.name, "passed": self.passed, "message": self.message}


@dataclass
class FieldResult:
    name: str
    value: Any  # normalised value, or a list of them for list fields (nda.party)
    confidence: float
    evidence: list[Span]
    method: str = "rule"
    raw: Any = None  # the value as written in the document
    validators: list[ValidatorResult] = field(default_factory=list)
    status: str = NEEDS_REVIEW
    reasons: list[str] = field(default_factory=list)  # why it needs review (routing reads these)
    candidates: list[dict] = field(default_factory=list)  # [{"value", "score"}] for the audit log
    # The model that ranked the candidates (a trained specialist's name and version), for the audit log.
    model: dict | None = None
    # What the extractor wants a person to know whatever the confidence, e.g. "specialist_unavailable".
    notes: list[str] = field(default_factory=list)

    @property
    def grounded(self) -> bool:
        return bool(self.evidence)

    def as_dict(self):
        return {
            "value": self.value,
            "raw": self.raw,
            "confidence": shown_confidence(self.confidence),
            "status": self.status,
            "method": self.method,
            "evidence": [span.as_dict() for span in self.evidence],
            "validators": [v.as_dict() for v in self.validators],
            "reasons": list(self.reasons),
            "candidates": self.candidates[:10],
        }


def decide(result: FieldResult, threshold: float, *, always_review: bool = False) -> FieldResult:
    """Set ``status`` and ``reasons`` by the one decision rule (extraction.validation.decision)."""
    result.reasons = field_reasons(grounded=result.grounded, validators_passed=all(v.passed for v in result.validators),
                                   confidence=result.confidence, threshold=threshold, notes=result.notes,
                                   always_review=always_review)
    result.status = field_status(result.reasons)
    return result
