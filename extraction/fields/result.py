"""What extraction says about one field, and the statuses it can end in."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extraction.evidence import Span

ACCEPTED = "accepted"
NEEDS_REVIEW = "needs_review"

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
            "confidence": round(float(self.confidence), 4),
            "status": self.status,
            "method": self.method,
            "evidence": [span.as_dict() for span in self.evidence],
            "validators": [v.as_dict() for v in self.validators],
            "reasons": list(self.reasons),
            "candidates": self.candidates[:10],
        }


def decide(result: FieldResult, threshold: float) -> FieldResult:
    """Set ``status``: accepted only when grounded, every validator passes, confidence clears ``threshold``
    and the extractor left no note for a person."""
    reasons = []
    if not result.grounded:
        reasons.append("no_evidence")
    if any(not v.passed for v in result.validators):
        reasons.append("validator_failed")
    if result.confidence < threshold:
        reasons.append("low_confidence")
    reasons += [note for note in result.notes if note not in reasons]
    result.reasons = reasons
    result.status = ACCEPTED if not reasons else NEEDS_REVIEW
    return result
