"""ChatClient failure modes against a real HTTP server on 127.0.0.1 (canned OpenAI-format answers)."""
import datetime as dt
import logging

import pytest

from extraction.llm.client import (
    BudgetExceeded,
    ChatClient,
    CircuitBreaker,
    CircuitOpen,
    InMemoryBudgetStore,
    LLMConfigError,
    LLMRequestError,
    LLMResponseError,
    LLMUnavailable,
    TokenBudget,
    chat_url,
)
from tests.llm.fake_server import completion

MESSAGES = [{"role": "user", "content": "Which candidate? 1. [[10.00 EUR]] 2. [[11.90 EUR]]"}]


def make_client(url, sleeps=None, **kwargs):
    kwargs.setdefault("max_retries", 2)
    kwargs.setdefault("read_timeout", 5.0)
    return ChatClient(url, "test-model", sleep=(sleeps.append if sleeps is not None else (lambda s: None)), **kwargs)


def test_chat_url():
    assert chat_url("http://h:8000") == "http://h:8000/v1/chat/completions"
    assert chat_url("http://h:8000/") == "http://h:8000/v1/chat/completions"
    assert chat_url("http://h:8000/v1") == "http://h:8000/v1/chat/completions"
    assert chat_url("https://h/ollama/v1/") == "https://h/ollama/v1/chat/completions"
    assert chat_url("http://h/v1/chat/completions") == "http://h/v1/chat/completions"
    with pytest.raises(LLMConfigError):
        chat_url("h:8000")
    with pytest.raises(LLMConfigError):
        ChatClient("http://h", "")


def test_success_request_and_usage(server):
    server.reply(200, completion("2", prompt_tokens=123, completion_tokens=3))
    client = make_client(server.url, api_key="sk-local-123", cost_per_1k_tokens=20)
    result = client.chat(MESSAGES, max_tokens=8)
    assert result.text == "2" and result.finish_reason == "stop" and result.attempts == 1
    u = result.usage
    assert (u.prompt_tokens, u.output_tokens, u.total_tokens) == (123, 3, 126)
    assert u.tier == "llm" and u.model == "test-model" and u.device == "remote" and u.latency_ms > 0
    assert u.relative_cost == pytest.approx(126 / 1000 * 20)
    assert u.as_dict()["relative_cost"] == pytest.approx(2.52)
    req = server.requests[0]
    assert req["path"] == "/v1/chat/completions"
    assert req["headers"]["Authorization"] == "Bearer sk-local-123"
    body = req["json"]
    assert body["model"] == "test-model" and body["messages"] == MESSAGES
    assert body["max_tokens"] == 8 and body["temperature"] == 0.0 and body["stream"] is False
    assert client.budget.spent() == 126


def test_no_api_key_no_authorization_header(server):
    make_client(server.url).chat(MESSAGES)
    assert "Authorization" not in server.requests[0]["headers"]


def test_missing_usage_is_estimated_and_charged(server):
    server.reply(200, completion("1", usage=False))
    client = make_client(server.url)
    result = client.chat(MESSAGES)
    assert result.usage_estimated and result.usage.prompt_tokens > 0
    assert client.budget.spent() == result.usage.total_tokens


def test_retries_on_5xx_with_exponential_backoff(server):
    server.reply(503, {"error": {"message": "loading"}}).reply(502, {}).reply(200, completion("1"))
    sleeps = []
    client = make_client(server.url, sleeps, max_retries=3, backoff_base=0.5)
    result = client.chat(MESSAGES)
    assert result.attempts == 3 and len(server.requests) == 3
    assert len(sleeps) == 2
    assert 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0  # 0.5 * 2**n, 50-100% jitter
    assert client.breaker.state == "closed" and client.breaker.failures == 0


def test_gives_up_after_the_retries(server):
    for _ in range(3):
        server.reply(500, {"error": {"type": "server_error"}})
    client = make_client(server.url, max_retries=2)
    with pytest.raises(LLMUnavailable) as exc:
        client.chat(MESSAGES)
    assert exc.value.status == 500 and exc.value.attempts == 3 and exc.value.retryable
    assert len(server.requests) == 3
    assert client.budget.spent() == 0  # the reservation is handed back


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_no_retry_on_4xx(server, status):
    server.reply(status, {"error": {"message": "bad: Which candidate? 1. [[10.00 EUR]]", "type": "invalid_request_error"}})
    sleeps = []
    client = make_client(server.url, sleeps, max_retries=3)
    with pytest.raises(LLMRequestError) as exc:
        client.chat(MESSAGES)
    assert exc.value.status == status and len(server.requests) == 1 and sleeps == []
    assert "invalid_request_error" in str(exc.value)
    assert "10.00 EUR" not in str(exc.value)  # the server's message may quote the prompt: not in the error
    assert client.breaker.failures == 0


def test_read_timeout_is_retried_then_fails(server):
    for _ in range(2):
        server.reply(200, completion("1"), delay=1.0)
    client = make_client(server.url, read_timeout=0.2, max_retries=1)
    with pytest.raises(LLMUnavailable) as exc:
        client.chat(MESSAGES)
    assert "timed out" in str(exc.value) and exc.value.attempts == 2 and len(server.requests) == 2


def test_timeout_then_success(server):
    server.reply(200, completion("1"), delay=1.0).reply(200, completion("2"))
    result = make_client(server.url, read_timeout=0.2, max_retries=1).chat(MESSAGES)
    assert result.text == "2" and result.attempts == 2


def test_connection_refused_is_retried(closed_port):
    sleeps = []
    client = make_client(f"http://127.0.0.1:{closed_port}", sleeps, max_retries=2, connect_timeout=1.0)
    with pytest.raises(LLMUnavailable) as exc:
        client.chat(MESSAGES)
    assert "connection failed" in str(exc.value) and exc.value.attempts == 3 and len(sleeps) == 2


def test_malformed_answer(server):
    server.reply(200, {"object": "chat.completion", "choices": []})
    with pytest.raises(LLMResponseError):
        make_client(server.url).chat(MESSAGES)
    server.reply(200, b"<html>not json</html>")
    with pytest.raises(LLMResponseError):
        make_client(server.url).chat(MESSAGES)


# ----------------------------------------------------------------- circuit breaker


def test_circuit_breaker_opens_half_opens_and_closes(server, clock):
    breaker = CircuitBreaker(failure_threshold=3, reset_after=30, clock=clock)
    client = make_client(server.url, max_retries=0, breaker=breaker)
    for _ in range(3):
        server.reply(500, {})
    for _ in range(3):
        with pytest.raises(LLMUnavailable):
            client.chat(MESSAGES)
    assert breaker.state == "open" and len(server.requests) == 3

    # Open: refused without a request.
    with pytest.raises(CircuitOpen) as exc:
        client.chat(MESSAGES)
    assert 29 < exc.value.retry_in <= 30 and len(server.requests) == 3

    # After the cool-down: half-open, one probe; it fails -> open again for another cool-down.
    clock.advance(30)
    assert breaker.state == "half_open"
    server.reply(503, {})
    with pytest.raises(LLMUnavailable):
        client.chat(MESSAGES)
    assert breaker.state == "open" and len(server.requests) == 4
    clock.advance(10)
    with pytest.raises(CircuitOpen):
        client.chat(MESSAGES)
    assert len(server.requests) == 4

    # The next probe succeeds -> closed; calls flow again.
    clock.advance(20)
    assert client.chat(MESSAGES).text == "1"
    assert breaker.state == "closed" and breaker.failures == 0
    client.chat(MESSAGES)
    assert len(server.requests) == 6


def test_breaker_counts_failed_attempts_and_stops_retries(server, clock):
    breaker = CircuitBreaker(failure_threshold=2, reset_after=60, clock=clock)
    client = make_client(server.url, max_retries=5, breaker=breaker)
    for _ in range(5):
        server.reply(500, {})
    with pytest.raises(CircuitOpen):
        client.chat(MESSAGES)
    assert len(server.requests) == 2  # opened after the second failed attempt: no third
    assert client.budget.spent() == 0


def test_half_open_lets_one_probe_through(clock):
    breaker = CircuitBreaker(failure_threshold=1, reset_after=5, clock=clock)
    breaker.record_failure()
    clock.advance(5)
    breaker.before_call()  # the probe
    with pytest.raises(CircuitOpen):
        breaker.before_call()  # a second caller while the probe is out
    breaker.record_success()
    breaker.before_call()
    assert breaker.state == "closed"


def test_success_resets_consecutive_failures(clock):
    breaker = CircuitBreaker(failure_threshold=3, reset_after=5, clock=clock)
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state == "closed"


# ----------------------------------------------------------------- budget


def test_budget_refuses_before_sending(server):
    day = [dt.date(2026, 3, 1)]
    store = InMemoryBudgetStore()
    budget = TokenBudget(200, store, scope="test-model", today=lambda: day[0])
    client = make_client(server.url, budget=budget)
    for _ in range(3):
        server.reply(200, completion("1", prompt_tokens=90, completion_tokens=10))
    client.chat(MESSAGES)
    client.chat(MESSAGES)  # 100 spent < 200: still allowed
    assert budget.spent() == 200 and budget.remaining() == 0
    with pytest.raises(BudgetExceeded) as exc:
        client.chat(MESSAGES)
    assert len(server.requests) == 2  # nothing sent
    assert exc.value.spent == 200 and exc.value.limit == 200 and "2026-03-01" in str(exc.value)
    assert store.spent("test-model", dt.date(2026, 3, 1)) == 200

    day[0] = dt.date(2026, 3, 2)  # a new day, a new budget
    client.chat(MESSAGES)
    assert len(server.requests) == 3 and budget.spent() == 100


def test_budget_reservation_is_atomic_and_settled():
    store = InMemoryBudgetStore()
    budget = TokenBudget(100, store, scope="m", today=lambda: dt.date(2026, 1, 1))
    r1 = budget.reserve(60)
    r2 = budget.reserve(60)  # 60 booked < 100: allowed
    with pytest.raises(BudgetExceeded):
        budget.reserve(10)  # 120 booked
    assert budget.spent() == 120  # the refused reservation was handed back
    budget.settle(r1, 30)
    budget.settle(r2, 0)
    assert budget.spent() == 30


def test_unlimited_budget_still_counts(server):
    client = make_client(server.url, daily_tokens=0)
    client.chat(MESSAGES)
    assert client.budget.spent() == 42 and client.budget.remaining() is None


def test_budget_store_is_pluggable(server):
    class RecordingStore(InMemoryBudgetStore):
        def __init__(self):
            super().__init__()
            self.calls = []

        def add(self, scope, day, tokens):
            self.calls.append((scope, tokens))
            return super().add(scope, day, tokens)

    store = RecordingStore()
    client = make_client(server.url, daily_tokens=1000, budget_store=store)
    client.chat(MESSAGES)
    assert store.calls[0][0] == "test-model" and store.calls[0][1] > 0  # the reservation
    assert sum(t for _, t in store.calls) == 42  # settled to the server's usage


# ----------------------------------------------------------------- privacy of logs


def test_prompt_and_answer_never_logged(server, caplog):
    secret = "Zyxwvut-Unique-Prompt-Text"
    server.reply(500, {}).reply(200, completion("Answer-Text-Qwerty"))
    with caplog.at_level(logging.DEBUG):
        make_client(server.url, api_key="sk-secret-key-xyz").chat([{"role": "user", "content": secret}])
    assert caplog.records  # it does log (model, status, tokens, times)...
    assert secret not in caplog.text and "Answer-Text-Qwerty" not in caplog.text  # ...never the text
    assert "sk-secret-key-xyz" not in caplog.text



def test_retry_after_lengthens_the_wait(server):
    server.reply(503, {}, headers={"Retry-After": "2"}).reply(200, completion("1"))
    sleeps = []
    client = make_client(server.url, sleeps, max_retries=1, backoff_base=0.1, backoff_max=3.0)
    assert client.chat(MESSAGES).attempts == 2
    assert sleeps == [2.0]
