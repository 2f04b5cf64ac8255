"""LargerModelTier: prompt, strict answers, the OpenAI-compatible tier over a local server,
configuration from the environment, and CTranslate2Tier with SmolLM2 registered as tier "llm"."""
import dataclasses
import math

import pytest

from extraction.evidence import DocText
from extraction.fields.result import Candidate
from extraction.llm import tier as tier_module
from extraction.llm.client import (
    BudgetExceeded, ChatClient, InMemoryBudgetStore, LLMConfigError, LLMRequestError, LLMUnavailable,
)
from extraction.llm.tier import (
    CTranslate2Tier,
    Decision,
    OpenAICompatibleTier,
    build_prompt,
    configured_tier,
    confidence_from_logprobs,
    doctype_sentence,
    parse_answer,
    select_candidates,
)
from extraction.slm.registry import load_registry
from extraction.slm.runtime import ModelPool
from tests.llm.fake_server import completion
from tests.llm.registered import smollm2_as_llm_pool

TEXT = (
    "INVOICE 2024-0117 from Northwind Traders. Consulting, 12 hours at 95.00 EUR. "
    "Subtotal 1,140.00 EUR. VAT 19% 216.60 EUR. Total amount due 1,356.60 EUR. Payment within 30 days."
)


def invoice():
    doc = DocText([TEXT])
    cands = []
    for raw in ("95.00 EUR", "1,140.00 EUR", "1,356.60 EUR"):
        i = doc.text.index(raw)
        cands.append(Candidate(raw.split()[0].replace(",", ""), raw, doc.span(i, i + len(raw)), score=0.4))
    return doc, cands


@pytest.mark.parametrize("text,expected", [
    ("2", "2"), (" 2\n", "2"), ("2.", "2"), ("**3**", "3"), ("Answer: 1", "1"), ("Candidate 2", "2"),
    ("#1", "1"), ("none", "none"), ("None.", "none"), ("\n\nnone", "none"),
    ("7", "out_of_range:7"), ("0", "out_of_range:0"),
    ("", None), ("2 because it says total", None), ("The total is 1,356.60 EUR", None), ("1 or 2", None),
    ("two", None), ("1,356.60", None),
])
def test_parse_answer_is_strict(text, expected):
    assert parse_answer(text, 3) == expected


def test_prompt_numbers_candidates_and_marks_values():
    doc, cands = invoice()
    messages = build_prompt(doc, "amount", "Total to pay, tax included.", cands, doctype="invoice")
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]  # with the worked example
    assert messages[2]["content"] == "2" and "Date of purchase." in messages[1]["content"]
    assert [m["role"] for m in build_prompt(doc, "amount", "", cands, example=False)] == ["system", "user"]
    text = messages[-1]["content"]
    assert text.startswith('This is an invoice.\nField "amount": Total to pay, tax included.\n')
    assert "1. " in text and "3. " in text and "(1-3)" in text
    assert "due [[1,356.60 EUR]]. Payment" in text
    with pytest.raises(ValueError):
        build_prompt(doc, "amount", "", [])


def test_prompt_without_type_or_description_says_neither():
    doc, cands = invoice()
    text = build_prompt(doc, "amount", "  ", cands)[-1]["content"]
    assert text.startswith('Field "amount".\n') and "This is" not in text


@pytest.mark.parametrize("doctype,sentence", [
    ("receipt", "This is a receipt."), ("Invoice", "This is an invoice."),
    ("Non-disclosure agreement", "This is a non-disclosure agreement."), ("E-mail", "This is an e-mail."),
    ("bank_statement", "This is a bank statement."), ("NDA", "This is an NDA."), ("VAT return", "This is a VAT return."),
])
def test_doctype_sentence(doctype, sentence):
    assert doctype_sentence(doctype) == sentence


def test_select_candidates_keeps_the_best_nine_in_order():
    doc, (c, *_rest) = invoice()
    many = [dataclasses.replace(c, score=s / 20) for s in range(12)]
    keep = select_candidates(many)
    assert keep == list(range(3, 12))


def test_confidence_from_logprobs():
    lp = {"content": [{"token": "2", "logprob": math.log(0.6), "top_logprobs": [
        {"token": "2", "logprob": math.log(0.6)}, {"token": " 2", "logprob": math.log(0.1)},
        {"token": "1", "logprob": math.log(0.2)}, {"token": "none", "logprob": math.log(0.05)},
        {"token": "The", "logprob": math.log(0.05)},
    ]}]}
    assert confidence_from_logprobs(lp, "2", 3) == pytest.approx(0.7 / 0.95)
    assert confidence_from_logprobs(lp, "none", 3) == pytest.approx(0.05 / 0.95)
    assert confidence_from_logprobs(None, "2", 3) is None
    assert confidence_from_logprobs({"content": []}, "2", 3) is None


# ----------------------------------------------------------------- OpenAI-compatible tier


def openai_tier(server, **kwargs):
    return OpenAICompatibleTier(ChatClient(server.url, "test-model", max_retries=0, **kwargs))


def test_openai_tier_chooses_a_candidate(server):
    doc, cands = invoice()
    logprobs = {"content": [{"token": "3", "logprob": math.log(0.9), "top_logprobs": [
        {"token": "3", "logprob": math.log(0.9)}, {"token": "2", "logprob": math.log(0.1)}]}]}
    server.reply(200, completion("3", prompt_tokens=150, completion_tokens=1, logprobs=logprobs))
    decision = openai_tier(server).decide_field(doc, "amount", "Total to pay, tax included.", cands)
    candidate, confidence, usage = decision  # a plain 3-tuple to callers
    assert isinstance(decision, Decision) and candidate is cands[2] and decision.index == 2
    assert confidence == pytest.approx(0.9) and decision.reason == "chosen"
    assert usage.prompt_tokens == 150 and usage.tier == "llm"
    body = server.requests[0]["json"]
    assert body["logprobs"] is True and body["top_logprobs"] == 5 and body["temperature"] == 0.0
    assert not body["messages"][-1]["content"].startswith("This is")  # no type given, none named


def test_openai_tier_without_logprobs_uses_default_confidence(server):
    doc, cands = invoice()
    server.reply(200, completion("1"))
    d = openai_tier(server).decide_field(doc, "amount", "", cands)
    assert d.candidate is cands[0] and d.confidence == 0.75


@pytest.mark.parametrize("answer,reason", [("none", "none"), ("It is the total", "unparseable"), ("9", "out_of_range")])
def test_openai_tier_none_and_bad_answers(server, answer, reason):
    doc, cands = invoice()
    server.reply(200, completion(answer))
    d = openai_tier(server).decide_field(doc, "amount", "", cands)
    assert d.candidate is None and d.reason == reason
    assert d.confidence == (0.75 if reason == "none" else 0.0)


def test_openai_tier_drops_logprobs_when_the_server_refuses_them(server):
    doc, cands = invoice()
    server.reply(400, {"error": {"type": "invalid_request_error", "code": "logprobs_unsupported"}})
    server.reply(200, completion("2")).reply(200, completion("2"))
    tier = openai_tier(server)
    assert tier.decide_field(doc, "amount", "", cands).candidate is cands[1]
    assert "logprobs" in server.requests[0]["json"] and "logprobs" not in server.requests[1]["json"]
    tier.decide_field(doc, "amount", "", cands)
    assert "logprobs" not in server.requests[2]["json"]


def test_a_400_that_is_not_about_logprobs_keeps_them(server):
    doc, cands = invoice()
    server.reply(400, {"error": {"type": "context_length_exceeded"}}).reply(400, {"error": {}})
    tier = openai_tier(server)
    with pytest.raises(LLMRequestError):
        tier.decide_field(doc, "amount", "", cands)
    assert tier.logprobs is True and len(server.requests) == 2


def test_openai_tier_no_candidates_sends_nothing(server):
    doc, _ = invoice()
    d = openai_tier(server).decide_field(doc, "amount", "", [])
    assert d == (None, 0.0, d.usage) and d.reason == "no_candidates" and not server.requests


def test_openai_tier_errors_propagate(server, closed_port):
    doc, cands = invoice()
    server.reply(200, completion("1", prompt_tokens=500, completion_tokens=1))
    tier = openai_tier(server, daily_tokens=100)
    tier.decide_field(doc, "amount", "", cands)
    with pytest.raises(BudgetExceeded):
        tier.decide_field(doc, "amount", "", cands)
    down = OpenAICompatibleTier(ChatClient(f"http://127.0.0.1:{closed_port}", "m", max_retries=0))
    with pytest.raises(LLMUnavailable):
        down.decide_field(doc, "amount", "", cands)


# ----------------------------------------------------------------- configuration


@pytest.fixture
def embedded_pool(tmp_path):
    return ModelPool(load_registry(None), tmp_path)  # loads nothing until asked


def test_nothing_configured_gives_none(embedded_pool):
    assert configured_tier({}, pool=embedded_pool) is None


def test_url_configures_the_openai_tier(embedded_pool):
    env = {
        "COLONY_LLM_URL": "http://127.0.0.1:8080/v1", "COLONY_LLM_MODEL": "qwen2.5-7b-instruct",
        "COLONY_LLM_API_KEY": "sk-local", "COLONY_LLM_DAILY_TOKENS": "2_000_000", "COLONY_LLM_TIMEOUT": "2,45",
    }
    store = InMemoryBudgetStore()
    tier = configured_tier(env, pool=embedded_pool, budget_store=store)
    assert isinstance(tier, OpenAICompatibleTier)
    client = tier.client
    assert client.url == "http://127.0.0.1:8080/v1/chat/completions" and client.model == "qwen2.5-7b-instruct"
    assert client.budget.limit == 2_000_000 and client.budget.store is store
    assert client.timeout.connect == 2.0 and client.timeout.read == 45.0
    assert configured_tier(env, pool=embedded_pool, budget_store=store) is tier  # one breaker per process
    assert configured_tier({**env, "COLONY_LLM_TIMEOUT": "30"}, pool=embedded_pool).client.timeout.read == 30.0


def test_default_budget_store_is_replaceable(embedded_pool):
    env = {"COLONY_LLM_URL": "http://127.0.0.1:8080", "COLONY_LLM_MODEL": "m"}
    old = tier_module.get_budget_store()
    store = InMemoryBudgetStore()
    try:
        tier_module.set_budget_store(store)
        assert configured_tier(env, pool=embedded_pool).client.budget.store is store
    finally:
        tier_module.set_budget_store(old)


@pytest.mark.parametrize("env,message", [
    ({"COLONY_LLM_URL": "http://127.0.0.1:8080"}, "COLONY_LLM_MODEL"),
    ({"COLONY_LLM_URL": "127.0.0.1:8080", "COLONY_LLM_MODEL": "m"}, "http(s)"),
    ({"COLONY_LLM_URL": "http://h", "COLONY_LLM_MODEL": "m", "COLONY_LLM_TIMEOUT": "soon"}, "COLONY_LLM_TIMEOUT"),
    ({"COLONY_LLM_URL": "http://h", "COLONY_LLM_MODEL": "m", "COLONY_LLM_DAILY_TOKENS": "lots"}, "COLONY_LLM_DAILY_TOKENS"),
    ({"COLONY_LLM_MODEL": "smollm2-135m"}, "not a tier-'llm' generator"),
])
def test_misconfiguration_is_explicit(embedded_pool, env, message):
    with pytest.raises(LLMConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        configured_tier(env, pool=embedded_pool)


def test_embedded_registry_has_no_larger_model(embedded_pool):
    with pytest.raises(LLMConfigError, match="COLONY_MODEL_REGISTRY"):
        CTranslate2Tier(pool=embedded_pool)


# ----------------------------------------------------------------- CTranslate2 tier (real model)


@pytest.fixture(scope="module")
def llm_pool():
    return smollm2_as_llm_pool()


def test_ctranslate2_tier_decides_with_a_registered_llm(llm_pool):
    assert isinstance(configured_tier({}, pool=llm_pool), CTranslate2Tier)
    tier = CTranslate2Tier("smollm2-as-llm", pool=llm_pool)
    doc, cands = invoice()
    decision = tier.decide_field(doc, "amount", "Total to pay, tax included.", cands, doctype="invoice")
    candidate, confidence, usage = decision
    assert decision.reason in ("chosen", "none")
    assert candidate is None or candidate in cands
    assert 0.0 < confidence <= 1.0
    assert usage.model == "smollm2-as-llm" and usage.tier == "llm" and usage.cost_per_1k_tokens == 5.0
    assert usage.prompt_tokens > 100 and usage.items == 4  # 3 candidates + "none", scored in one batch
    assert usage.relative_cost > 0


def test_decision_pickles(server):
    import pickle

    doc, cands = invoice()
    server.reply(200, completion("2"))
    d = openai_tier(server).decide_field(doc, "amount", "", cands)
    again = pickle.loads(pickle.dumps(d))
    assert again == d and again.index == 1 and again.reason == "chosen" and again.candidate.text == "1,140.00 EUR"
