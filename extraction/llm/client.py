"""A client for an OpenAI-compatible chat-completions endpoint on the premises.

vLLM, llama.cpp's server (and llama-cpp-python's), TGI and Ollama all serve
``POST <base>/v1/chat/completions``. This client adds what an appliance needs
around that one call:

* connect and read timeouts (``httpx.Timeout``);
* retries with exponential backoff and jitter on 5xx answers, timeouts and
  connection errors, never on 4xx (a 4xx is the request's fault: sending it
  again gives the same answer); a 5xx's ``Retry-After`` (seconds) lengthens the
  wait, up to ``backoff_max``;
* a circuit breaker: after ``failure_threshold`` consecutive failed attempts
  the endpoint is not called for ``reset_after`` seconds; then one probe is let
  through (half-open) and its outcome closes or re-opens the breaker;
* a per-day token budget (prompt + completion tokens, from the response's
  ``usage``) kept in a pluggable :class:`BudgetStore`; a call is refused with
  :class:`BudgetExceeded` *before* anything is sent once the day's spend has
  reached the limit;
* a :class:`~extraction.slm.runtime.Usage` per call (prompt and output tokens,
  latency, relative cost), the same record the SLM runtime gives the audit log.

It sends what it is given: callers must build messages from redacted text only
(``DocText.safe_window``); see :mod:`extraction.llm.tier`. Nothing here logs
prompt or answer text, nor the API key: log lines carry the model, status
codes, token counts and times. No Django import.
"""
from __future__ import annotations

import datetime as _dt
import logging
import os
import random
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Protocol, Sequence
from urllib.parse import urlsplit, urlunsplit

import httpx

from extraction.slm.runtime import Usage

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- errors


class LLMError(Exception):
    """Base class of every error raised by ``extraction.llm``."""

    retryable = False


class LLMConfigError(LLMError):
    """The larger-model tier is configured wrongly (environment or registry)."""


class LLMUnavailable(LLMError):
    """The endpoint could not answer: timeouts, connection errors or 5xx, after the retries."""

    retryable = True

    def __init__(self, message: str, *, status: int | None = None, attempts: int = 0):
        self.status = status
        self.attempts = attempts
        super().__init__(message)


class CircuitOpen(LLMUnavailable):
    """The circuit breaker is open: the endpoint failed repeatedly and is left alone for a while."""

    def __init__(self, endpoint: str, retry_in: float):
        self.retry_in = max(0.0, retry_in)
        super().__init__(
            f"circuit breaker open for {endpoint}: not calling it for another {self.retry_in:.1f}s"
        )


class LLMRequestError(LLMError):
    """The endpoint refused the request (4xx). Not retried.

    The message carries the status and the error type/code the server gave,
    never the response body (servers may echo the prompt); the body is kept in
    ``self.body`` for debugging.
    """

    def __init__(self, status: int, detail: str = "", body: str = ""):
        self.status = status
        self.body = body
        super().__init__(f"the LLM endpoint refused the request: HTTP {status}" + (f" ({detail})" if detail else ""))


class LLMResponseError(LLMError):
    """The endpoint answered 2xx with something that is not a chat completion."""


class BudgetExceeded(LLMError):
    """Today's token budget for this endpoint is spent; nothing was sent."""

    def __init__(self, scope: str, day: _dt.date, spent: int, limit: int):
        self.scope, self.day, self.spent, self.limit = scope, day, spent, limit
        super().__init__(
            f"daily LLM token budget exhausted for {scope!r} on {day.isoformat()}: "
            f"{spent} of {limit} tokens spent; calls resume tomorrow (raise COLONY_LLM_DAILY_TOKENS to allow more)"
        )


# --------------------------------------------------------------------------- budget


class BudgetStore(Protocol):
    """Where the per-day token spend is kept. Implementations must make ``add`` atomic.

    ``scope`` names the budget (by default the endpoint's model name); ``day``
    is a calendar date. ``add`` may be given a negative number (a reservation
    handed back) and returns the new total for that scope and day.
    """

    def spent(self, scope: str, day: _dt.date) -> int: ...

    def add(self, scope: str, day: _dt.date, tokens: int) -> int: ...


class InMemoryBudgetStore:
    """A process-local budget store (a Celery worker child each has its own: per-process limits)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._spent: dict[tuple[str, _dt.date], int] = {}

    def spent(self, scope: str, day: _dt.date) -> int:
        with self._lock:
            return self._spent.get((scope, day), 0)

    def add(self, scope: str, day: _dt.date, tokens: int) -> int:
        with self._lock:
            total = max(0, self._spent.get((scope, day), 0) + int(tokens))
            self._spent[(scope, day)] = total
            # Days past are of no further use.
            for key in [k for k in self._spent if k[1] < day]:
                del self._spent[key]
            return total


class TokenBudget:
    """A daily token limit over a :class:`BudgetStore`.

    ``reserve`` books an estimate of the request before it is sent, atomically
    (``store.add``), so that concurrent callers see each other; it refuses when
    the day's spend *before* the reservation has already reached the limit.
    ``settle`` replaces the estimate with the tokens the server reported, or
    hands it back when the call failed. A day's spend can thus pass the limit by
    at most the requests that were in flight when it was reached.
    """

    def __init__(self, limit: int | None, store: BudgetStore | None = None, scope: str = "llm",
                 today: Callable[[], _dt.date] | None = None):
        self.limit = int(limit) if limit else 0  # 0: unlimited (spend is still counted)
        self.store = store if store is not None else InMemoryBudgetStore()
        self.scope = scope
        self.today = today or _dt.date.today  # the server's local calendar day

    def spent(self) -> int:
        return self.store.spent(self.scope, self.today())

    def remaining(self) -> int | None:
        return None if not self.limit else max(0, self.limit - self.spent())

    def check(self) -> None:
        """Raise BudgetExceeded when today's spend has reached the limit."""
        if self.limit:
            day = self.today()
            spent = self.store.spent(self.scope, day)
            if spent >= self.limit:
                raise BudgetExceeded(self.scope, day, spent, self.limit)

    def reserve(self, estimate: int) -> tuple[_dt.date, int]:
        day = self.today()
        estimate = max(0, int(estimate))
        if not self.limit:
            return day, 0
        total = self.store.add(self.scope, day, estimate)
        before = total - estimate
        if before >= self.limit:
            self.store.add(self.scope, day, -estimate)
            raise BudgetExceeded(self.scope, day, before, self.limit)
        return day, estimate

    def settle(self, reservation: tuple[_dt.date, int], actual: int) -> None:
        day, reserved = reservation
        delta = max(0, int(actual)) - reserved
        if delta:
            self.store.add(self.scope, day, delta)


# --------------------------------------------------------------------------- circuit breaker


class CircuitBreaker:
    """closed -> (``failure_threshold`` consecutive failures) -> open -> (``reset_after`` s) -> half-open.

    Half-open lets exactly one probe through at a time; its success closes
    the breaker, its failure opens it again for another ``reset_after``.
    Thread-safe; ``clock`` is injectable for tests.
    """

    CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"

    def __init__(self, failure_threshold: int = 5, reset_after: float = 30.0,
                 clock: Callable[[], float] = time.monotonic, name: str = "llm"):
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be >= 1")
        self.failure_threshold = failure_threshold
        self.reset_after = float(reset_after)
        self.clock = clock
        self.name = name
        self._lock = threading.Lock()
        self._state = self.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False

    @property
    def state(self) -> str:
        with self._lock:
            if self._state == self.OPEN and self.clock() - self._opened_at >= self.reset_after:
                return self.HALF_OPEN
            return self._state

    @property
    def failures(self) -> int:
        return self._failures

    def before_call(self) -> None:
        """Raise CircuitOpen unless a call may go out now (closed, or the half-open probe)."""
        with self._lock:
            now = self.clock()
            if self._state == self.OPEN:
                waited = now - self._opened_at
                if waited < self.reset_after:
                    raise CircuitOpen(self.name, self.reset_after - waited)
                self._state = self.HALF_OPEN
                self._probe_in_flight = False
            if self._state == self.HALF_OPEN:
                if self._probe_in_flight:
                    raise CircuitOpen(self.name, 0.0)
                self._probe_in_flight = True
                log.info("circuit %s half-open: sending a probe", self.name)

    def record_success(self) -> None:
        with self._lock:
            if self._state != self.CLOSED:
                log.info("circuit %s closed again", self.name)
            self._state, self._failures, self._probe_in_flight = self.CLOSED, 0, False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._state == self.HALF_OPEN or self._failures >= self.failure_threshold:
                if self._state != self.OPEN:
                    log.warning("circuit %s open after %d consecutive failures; cool-down %.0fs",
                                self.name, self._failures, self.reset_after)
                self._state, self._opened_at, self._probe_in_flight = self.OPEN, self.clock(), False


# --------------------------------------------------------------------------- the client


@dataclass(frozen=True)
class ChatResult:
    text: str
    finish_reason: str | None
    usage: Usage
    attempts: int = 1
    usage_estimated: bool = False  # the server gave no ``usage``: tokens estimated from characters
    logprobs: Any = None  # choices[0].logprobs as the server gave it, when asked for
    server_model: str | None = None


def chat_url(base_url: str) -> str:
    """``http://h:8000`` -> ``http://h:8000/v1/chat/completions``; ``.../v1`` -> ``.../v1/chat/completions``;
    a URL that already ends in ``/chat/completions`` is kept."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LLMConfigError(f"the LLM URL must be http(s)://host[:port][/path], got {base_url!r}")
    path = parts.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        path = (path or "/v1") + "/chat/completions"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _estimate_tokens(text: str) -> int:
    return max(1, len(text) // 4) if text else 0


class ChatClient:
    """One OpenAI-compatible endpoint and model. Thread-safe; re-creates its connection pool after a fork."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        max_retries: int = 2,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        breaker: CircuitBreaker | None = None,
        budget: TokenBudget | None = None,
        daily_tokens: int | None = None,
        budget_store: BudgetStore | None = None,
        cost_per_1k_tokens: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ):
        if not model:
            raise LLMConfigError("the LLM endpoint needs a model name (COLONY_LLM_MODEL)")
        self.url = chat_url(base_url)
        parts = urlsplit(self.url)
        self.endpoint = f"{parts.scheme}://{parts.netloc}"  # for logs and errors: no path, no credentials
        if "@" in parts.netloc:
            self.endpoint = f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[1]}"
        self.model = model
        self._api_key = api_key
        self.timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        self.max_retries = max(0, int(max_retries))
        self.backoff_base, self.backoff_max = backoff_base, backoff_max
        self.breaker = breaker or CircuitBreaker(name=self.endpoint)
        self.budget = budget or TokenBudget(daily_tokens, budget_store, scope=model)
        self.cost_per_1k_tokens = float(cost_per_1k_tokens)
        self.sleep = sleep
        self._transport = transport
        self._lock = threading.Lock()
        self._http: httpx.Client | None = None
        self._pid = None

    def __repr__(self):
        return f"ChatClient({self.endpoint!r}, model={self.model!r})"

    def _client(self) -> httpx.Client:
        with self._lock:
            if self._http is None or self._pid != os.getpid():
                headers = {"Accept": "application/json"}
                if self._api_key:
                    headers["Authorization"] = f"Bearer {self._api_key}"
                # trust_env=False: no HTTP(S)_PROXY detour; the endpoint is on the premises.
                self._http = httpx.Client(timeout=self.timeout, headers=headers, transport=self._transport,
                                          trust_env=False, follow_redirects=False)
                self._pid = os.getpid()
            return self._http

    def close(self) -> None:
        with self._lock:
            if self._http is not None and self._pid == os.getpid():
                self._http.close()
            self._http = None

    def _backoff(self, attempt: int) -> float:
        delay = min(self.backoff_max, self.backoff_base * (2 ** attempt))
        return delay * (0.5 + random.random() / 2)  # jitter: 50-100% of the step

    def chat(
        self,
        messages: Sequence[Mapping[str, str]],
        *,
        max_tokens: int = 16,
        temperature: float = 0.0,
        stop: Sequence[str] | None = None,
        logprobs: int | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> ChatResult:
        """One chat completion. Raises BudgetExceeded or CircuitOpen before sending anything,
        LLMRequestError on a 4xx, LLMUnavailable after the retries, LLMResponseError on a malformed answer."""
        self.budget.check()
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
            "max_tokens": int(max_tokens),
            "temperature": float(temperature),
            "stream": False,
        }
        if stop:
            payload["stop"] = list(stop)
        if logprobs:
            payload["logprobs"] = True
            payload["top_logprobs"] = int(logprobs)
        if extra:
            payload.update(extra)
        estimate = sum(_estimate_tokens(m["content"]) + 4 for m in payload["messages"]) + int(max_tokens)
        reservation = self.budget.reserve(estimate)
        started = time.perf_counter()
        try:
            data, attempts = self._post(payload)
        except BaseException:
            self.budget.settle(reservation, 0)
            raise
        try:
            result = self._parse(data, payload, started, attempts)
        except BaseException:
            # The server did work for it: charge the estimate.
            self.budget.settle(reservation, estimate)
            raise
        self.budget.settle(reservation, result.usage.total_tokens)
        log.info(
            "llm %s model %s: %d prompt + %d output tokens%s in %.0f ms (%d attempt%s)",
            self.endpoint, self.model, result.usage.prompt_tokens, result.usage.output_tokens,
            " (estimated)" if result.usage_estimated else "", result.usage.latency_ms,
            attempts, "" if attempts == 1 else "s",
        )
        return result

    def _post(self, payload: dict) -> tuple[dict, int]:
        client = self._client()
        attempt = 0
        while True:
            self.breaker.before_call()
            attempt += 1
            failure: str
            status = retry_after = None
            try:
                response = client.post(self.url, json=payload)
            except httpx.TimeoutException as exc:
                failure = f"timed out ({type(exc).__name__})"
            except httpx.TransportError as exc:  # connection refused/reset, DNS, protocol errors
                failure = f"connection failed ({type(exc).__name__})"
            else:
                status = response.status_code
                if status < 400:
                    try:
                        data = response.json()
                    except ValueError:
                        self.breaker.record_failure()
                        raise LLMResponseError(f"the LLM endpoint answered HTTP {status} with no JSON") from None
                    self.breaker.record_success()
                    return data, attempt
                if status < 500:
                    self.breaker.record_success()  # the server is up; the request is at fault
                    raise LLMRequestError(status, _error_detail(response), response.text[:2000])
                failure = f"HTTP {status}"
                retry_after = _retry_after(response)
            self.breaker.record_failure()
            if attempt > self.max_retries:
                log.warning("llm %s model %s: %s; giving up after %d attempt(s)",
                            self.endpoint, self.model, failure, attempt)
                raise LLMUnavailable(
                    f"the LLM endpoint {self.endpoint} failed: {failure} (after {attempt} attempt(s))",
                    status=status, attempts=attempt,
                )
            delay = self._backoff(attempt - 1)
            if retry_after is not None:  # a 503 that says when to come back
                delay = min(self.backoff_max, max(delay, retry_after))
            log.info("llm %s model %s: %s; retrying in %.2fs", self.endpoint, self.model, failure, delay)
            self.sleep(delay)

    def _parse(self, data: Any, payload: dict, started: float, attempts: int) -> ChatResult:
        try:
            choice = data["choices"][0]
            text = choice["message"].get("content") or ""
            finish = choice.get("finish_reason")
        except (KeyError, IndexError, TypeError, AttributeError):
            raise LLMResponseError("the LLM endpoint's answer holds no choices[0].message") from None
        usage = data.get("usage") if isinstance(data, dict) else None
        estimated = False
        try:
            prompt_tokens = int(usage["prompt_tokens"])
            output_tokens = int(usage.get("completion_tokens") or 0)
        except (KeyError, TypeError, ValueError):
            estimated = True
            prompt_tokens = sum(_estimate_tokens(m["content"]) + 4 for m in payload["messages"])
            output_tokens = _estimate_tokens(text)
        latency = (time.perf_counter() - started) * 1000.0
        u = Usage(
            model=self.model, kind="generator", prompt_tokens=prompt_tokens, output_tokens=output_tokens,
            latency_ms=round(latency, 3), items=1, device="remote", compute_type="n/a",
            tier="llm", cost_per_1k_tokens=self.cost_per_1k_tokens,
        )
        return ChatResult(text, finish, u, attempts, estimated, choice.get("logprobs"), data.get("model"))


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None


def _error_detail(response: httpx.Response) -> str:
    """The error's type/code, never its message (which may quote the prompt)."""
    try:
        err = response.json().get("error")
    except (ValueError, AttributeError):
        return ""
    if isinstance(err, dict):
        return ", ".join(str(err[k]) for k in ("type", "code") if err.get(k))
    return ""
