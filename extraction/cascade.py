"""The escalation cascade after rules and the SLM: doubtful fields go to a larger model when one
is configured, and what is still doubtful goes to a person, each step with its reason.

Only fields whose sole doubt is confidence are escalated to the larger model: a failed
validator or missing evidence is a fact a bigger model cannot argue away.
"""
from __future__ import annotations

from dataclasses import dataclass

from extraction.doctypes.registry import TypeSpec
from extraction.evidence import DocText
from extraction.fields.result import ACCEPTED, Candidate, FieldResult, decide
from extraction.validation.decision import LOW_CONFIDENCE, METHODS_DISAGREE

# Reasons a field reaches a person (recorded with every decision).
LLM_UNAVAILABLE = "llm_unavailable"
LLM_FOUND_NONE = "llm_found_none"


@dataclass
class Escalation:
    field: str
    outcome: str  # "accepted", "disagreed", "none", "unavailable"
    confidence: float
    usage: object = None
    error: str = ""


def _candidates(doc: DocText, result: FieldResult) -> list[Candidate]:
    """The chosen value and the alternatives the extractor considered that can be located in the text."""
    chosen = Candidate(result.value, str(result.raw or result.value), result.evidence[0], result.confidence)
    found = [chosen]
    for alternative in result.candidates[1:]:
        value = alternative.get("value")
        if value in (None, "", result.value) or isinstance(value, list):
            continue
        spans = doc.find_all(str(value))
        if spans:
            found.append(Candidate(value, str(value), spans[0], float(alternative.get("score") or 0)))
    return found


def escalate(doc: DocText, spec: TypeSpec, fields: dict[str, FieldResult], tier) -> list[Escalation]:
    """Ask ``tier`` about every field whose only doubt is low confidence; update the fields in place.

    The question names the document type (its label: "This is a receipt.") and the field's
    description from the type's JSON Schema; the document's text reaches it redacted only."""
    from extraction.llm.client import LLMError

    thresholds = spec.thresholds_by_field()
    descriptions = {f.name: f.description for f in spec.fields}
    doctype = spec.label or spec.name
    outcomes = []
    for name, result in fields.items():
        if result.status == ACCEPTED or result.reasons != [LOW_CONFIDENCE] or isinstance(result.value, list):
            continue
        try:
            decision = tier.decide_field(doc, name, descriptions.get(name, ""), _candidates(doc, result),
                                         doctype=doctype)
        except (LLMError, OSError) as exc:
            result.reasons.append(LLM_UNAVAILABLE)
            outcomes.append(Escalation(name, "unavailable", result.confidence, error=type(exc).__name__))
            continue
        candidate, confidence, usage = decision
        if candidate is None:
            result.reasons.append(LLM_FOUND_NONE)
            outcomes.append(Escalation(name, "none", confidence, usage))
        elif candidate.value != result.value:
            result.reasons.append(METHODS_DISAGREE)
            outcomes.append(Escalation(name, "disagreed", confidence, usage))
        elif confidence >= thresholds.get(name, 1.0):
            # Two independent methods agree and the larger one is sure: settled without a person.
            result.method, result.confidence = "llm", confidence
            decide(result, thresholds.get(name, 1.0))
            outcomes.append(Escalation(name, "accepted", confidence, usage))
        else:
            outcomes.append(Escalation(name, "agreed_unsure", confidence, usage))
    return outcomes
