"""The escalation cascade: which fields go to the larger model, and what its answer does to them."""
import dataclasses
import datetime

import pytest

from extraction.cascade import escalate
from extraction.doctypes import default_registry
from extraction.evidence import DocText
from extraction.fields.result import ACCEPTED, NEEDS_REVIEW, FieldResult, ValidatorResult
from extraction.llm.client import BudgetExceeded, ChatClient
from extraction.llm.tier import Decision, OpenAICompatibleTier
from tests.llm.fake_server import FakeOpenAIServer, completion

TEXT = "ACME TRADING SDN BHD\nDATE: 14/03/2019\nSUBTOTAL 20.00\nTOTAL 23.10\nCASH 50.00\n"
DOC = DocText([TEXT])
SPEC = default_registry()["receipt"]


def total_field(**changes):
    start = TEXT.index("23.10")
    field = FieldResult(
        name="total", value="23.10", raw="23.10", confidence=0.5, evidence=[DOC.span(start, start + 5)],
        candidates=[{"value": "23.10", "score": 0.5}, {"value": "50.00", "score": 0.3}],
        status=NEEDS_REVIEW, reasons=["low_confidence"],
    )
    return dataclasses.replace(field, **changes)


class ScriptedTier:
    """Answers as told, and remembers what it was asked (the cascade's logic is under test here)."""

    def __init__(self, pick=None, confidence=0.99, error=None):
        self.pick, self.confidence, self.error, self.asked = pick, confidence, error, []

    def decide_field(self, doc, field_name, description, candidates, *, doctype=None):
        self.asked.append((field_name, [c.value for c in candidates]))
        self.told = (doctype, description)
        if self.error:
            raise self.error
        chosen = next((c for c in candidates if c.value == self.pick), None)
        return Decision(chosen, self.confidence, None, reason="chosen" if chosen else "none")


def test_agreement_with_a_confident_larger_model_settles_the_field():
    fields = {"total": total_field()}
    tier = ScriptedTier(pick="23.10")
    outcomes = escalate(DOC, SPEC, fields, tier)
    assert tier.asked == [("total", ["23.10", "50.00"])]  # alternatives found in the text are offered too
    assert tier.told == ("Receipt", "Total paid, tax included.")  # the type's label, the schema's description
    assert fields["total"].status == ACCEPTED and fields["total"].method == "llm"
    assert outcomes[0].outcome == "accepted"


def test_disagreement_goes_to_a_person_with_its_reason():
    fields = {"total": total_field()}
    escalate(DOC, SPEC, fields, ScriptedTier(pick="50.00"))
    assert fields["total"].status == NEEDS_REVIEW
    assert "methods_disagree" in fields["total"].reasons


def test_larger_model_finding_nothing_is_recorded():
    fields = {"total": total_field()}
    escalate(DOC, SPEC, fields, ScriptedTier(pick=None))
    assert fields["total"].reasons == ["low_confidence", "llm_found_none"]


def test_unsure_agreement_stays_with_a_person():
    fields = {"total": total_field()}
    outcomes = escalate(DOC, SPEC, fields, ScriptedTier(pick="23.10", confidence=0.3))
    assert fields["total"].status == NEEDS_REVIEW and outcomes[0].outcome == "agreed_unsure"


def test_an_exhausted_budget_sends_the_field_to_a_person():
    fields = {"total": total_field()}
    outcomes = escalate(DOC, SPEC, fields, ScriptedTier(error=BudgetExceeded("llm", datetime.date.today(), 1000, 1000)))
    assert fields["total"].reasons == ["low_confidence", "llm_unavailable"]
    assert outcomes[0].error == "BudgetExceeded"


def test_failed_validators_and_accepted_fields_are_not_escalated():
    failed = total_field(validators=[ValidatorResult("amount", False)], reasons=["validator_failed", "low_confidence"])
    settled = total_field(status=ACCEPTED, reasons=[])
    tier = ScriptedTier(pick="23.10")
    escalate(DOC, SPEC, {"total": failed}, tier)
    escalate(DOC, SPEC, {"total": settled}, tier)
    assert tier.asked == []


def test_the_question_names_the_document_type_and_the_field():
    """What goes over the wire to an OpenAI-compatible endpoint (a local HTTP server answering "1")."""
    fields = {"total": total_field()}
    with FakeOpenAIServer() as server:
        server.reply(200, completion("1"))
        outcomes = escalate(DOC, SPEC, fields, OpenAICompatibleTier(ChatClient(server.url, "m", max_retries=0)))
    assert [o.outcome for o in outcomes] in (["accepted"], ["agreed_unsure"])  # it agreed; the threshold decides
    question = server.requests[0]["json"]["messages"][-1]["content"]
    assert question.startswith('This is a receipt.\nField "total": Total paid, tax included.\n')
    assert "1. ACME TRADING SDN BHD DATE: 14/03/2019 SUBTOTAL 20.00 TOTAL [[23.10]] CASH 50.00\n" in question


@pytest.fixture(scope="module")
def real_tier():
    """SmolLM2 registered a second time under tier "llm", as an operator registers a bigger model."""
    from extraction.llm.tier import CTranslate2Tier
    from tests.llm.registered import smollm2_as_llm_pool

    return CTranslate2Tier("smollm2-as-llm", pool=smollm2_as_llm_pool())


def test_a_real_larger_tier_answers_with_tokens_accounted(real_tier):
    fields = {"total": total_field()}
    outcomes = escalate(DOC, SPEC, fields, real_tier)
    assert len(outcomes) == 1
    assert outcomes[0].outcome in {"accepted", "disagreed", "none", "agreed_unsure"}
    assert outcomes[0].usage.total_tokens > 0
    if outcomes[0].outcome == "accepted":
        assert fields["total"].method == "llm"
    else:
        assert fields["total"].status == NEEDS_REVIEW
