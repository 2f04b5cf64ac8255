"""The larger-model tier of hybrid routing: a bigger model decides a field among its candidates.

When the rules and the SLM leave a field uncertain, routing asks a larger
model to pick the right value among the candidates that exist in the document
(it never invents one: what it picks is grounded by construction)::

    tier = configured_tier()          # None when no larger model is configured
    if tier is not None:
        candidate, confidence, usage = tier.decide_field(doc, "amount", "Total to pay, tax included.", candidates,
                                                         doctype="Invoice")  # "This is an invoice."

Two implementations:

* :class:`OpenAICompatibleTier`: an OpenAI-compatible chat-completions endpoint on
  the premises (vLLM, llama.cpp's server, TGI, Ollama) through
  :class:`~extraction.llm.client.ChatClient` (timeouts, retries, circuit
  breaker, daily token budget).
* :class:`CTranslate2Tier`: a bigger CTranslate2 model from the model registry
  (``tier: llm``), run in-process by the SLM runtime, which *scores* each answer
  ("1", "2", ..., "none") instead of generating one.

The embedded registry holds no such model (the default generator is the
135M-parameter SmolLM2, tier ``slm``). An operator registers one in the file
named by ``COLONY_MODEL_REGISTRY`` and converts it with CTranslate2::

    ct2-transformers-converter --model Qwen/Qwen2.5-1.5B-Instruct \\
        --output_dir var/models/qwen2.5-1.5b-instruct --quantization int8 --copy_files tokenizer.json tokenizer_config.json

    # $COLONY_MODEL_REGISTRY (YAML)
    models:
      - name: qwen2.5-1.5b-instruct
        kind: generator
        path: qwen2.5-1.5b-instruct     # relative to var/models/
        tier: llm                       # <- what makes it a larger-model tier
        cost_per_1k_tokens: 11          # relative to the default generator (1.0)
        prompt_format: chatml
        max_input_tokens: 4096

``configured_tier()`` then returns a CTranslate2Tier over it (or over the one
``COLONY_LLM_MODEL`` names, when several are registered).

Privacy: the prompt is built from ``DocText.safe_window`` only (personal data
replaced by ``<TYPE>`` placeholders); neither a candidate's ``text`` nor its
``value`` is ever put into it (an IBAN candidate shows as ``<IBAN>`` in its
context). Nothing here logs prompt or answer text.

Errors: ``BudgetExceeded``, ``CircuitOpen``, ``LLMUnavailable``,
``LLMRequestError`` (and the SLM runtime's errors for CTranslate2Tier)
propagate: the caller keeps the SLM's result and sends the field to review.
"""
from __future__ import annotations

import math
import os
import re
import threading
from abc import ABC, abstractmethod
from typing import Any, Mapping, Sequence

from extraction.evidence import DocText
from extraction.fields.result import Candidate
from extraction.slm.runtime import Usage

from .client import (
    BudgetStore,
    ChatClient,
    CircuitBreaker,
    InMemoryBudgetStore,
    LLMConfigError,
    LLMRequestError,
    TokenBudget,
)

ENV_URL = "COLONY_LLM_URL"
ENV_MODEL = "COLONY_LLM_MODEL"
ENV_API_KEY = "COLONY_LLM_API_KEY"
ENV_DAILY_TOKENS = "COLONY_LLM_DAILY_TOKENS"
ENV_TIMEOUT = "COLONY_LLM_TIMEOUT"
ENV_RETRIES = "COLONY_LLM_RETRIES"
ENV_COST = "COLONY_LLM_COST_PER_1K"
ENV_LOGPROBS = "COLONY_LLM_LOGPROBS"

SYSTEM = (
    "You check values extracted from business documents. Personal data in the text is masked "
    "as <TYPE>. Reply with the number of the correct candidate only, or none."
)
QUESTION = (
    '{about}Field "{field}"{description}\n\n'
    "Candidates, each shown in its context with the value between [[ and ]]:\n"
    "{candidates}\n\n"
    "Which candidate is the {field}? Reply with its number ({numbers}) only, or none if no candidate is."
)
# One worked example before the question: small models answer in the format far more often
# with it (SmolLM2-135M: "1. 1.\n2." without, "1" with). Fixed text, no document data.
EXAMPLE_QUESTION = dict(
    field_name="date", doctype="receipt", description="Date of purchase.",
    contexts=["Store no. [[12]] Date 2024-03-02 Total 9.80 EUR", "Store no. 12 Date [[2024-03-02]] Total 9.80 EUR"],
)
EXAMPLE_ANSWER = "2"
CONTEXT_CHARS = 80  # of redacted context on each side of a candidate
MAX_CANDIDATES = 9  # single digits: the first answer token is the whole answer
NONE = "none"

_WS = re.compile(r"\s+")
_STRIP = " \t\"'`*_.:;!"
_NUMBER = re.compile(r"^(?:answer\s*[:=]?\s*)?(?:candidate\s*)?(?:#|no\.\s*)?(\d{1,2})\s*[.)\]]?$", re.I)
_NONE_ANSWER = re.compile(r"^(?:answer\s*[:=]?\s*)?(?:none|neither|no candidate)$", re.I)


class Decision(tuple):
    """``(candidate | None, confidence, usage)``, unpackable as such, with the details as attributes.

    ``index``: the chosen candidate's position in the list given (or None);
    ``answer``: the parsed answer ("1".."9", "none") or None when the model's
    answer did not parse; ``reason``: "chosen", "none", "unparseable",
    "out_of_range" or "no_candidates".
    """

    def __new__(cls, candidate: Candidate | None, confidence: float, usage: Usage, *,
                index: int | None = None, answer: str | None = None, reason: str = ""):
        self = super().__new__(cls, (candidate, float(confidence), usage))
        self.index, self.answer, self.reason = index, answer, reason
        return self

    candidate = property(lambda self: self[0])
    confidence = property(lambda self: self[1])
    usage = property(lambda self: self[2])

    def __reduce__(self):  # picklable (e.g. into a Celery result)
        return (_decision, (tuple(self), self.index, self.answer, self.reason))

    def __repr__(self):
        return f"Decision(index={self.index}, answer={self.answer!r}, confidence={self.confidence:.3f}, reason={self.reason!r})"


def _decision(values, index, answer, reason):
    return Decision(*values, index=index, answer=answer, reason=reason)


# --------------------------------------------------------------------------- prompt and answer


def _squash(text: str) -> str:
    return _WS.sub(" ", text).strip()


def candidate_context(doc: DocText, candidate: Candidate, context_chars: int = CONTEXT_CHARS) -> str:
    """The candidate in its redacted context: ``...before [[value]] after...``, from safe_window only."""
    start = doc.global_offset(candidate.span)
    end = start + max(0, candidate.span.end - candidate.span.start)
    text = _squash(
        doc.safe_window(start - context_chars, start)
        + "[[" + doc.safe_window(start, end) + "]]"
        + doc.safe_window(end, end + context_chars)
    )
    left = "..." if start - context_chars > 0 else ""
    right = "..." if end + context_chars < len(doc.text) else ""
    return f"{left}{text}{right}"


def select_candidates(candidates: Sequence[Candidate], limit: int = MAX_CANDIDATES) -> list[int]:
    """Indices of the (at most ``limit``) best-scored candidates, in the order given."""
    if len(candidates) <= limit:
        return list(range(len(candidates)))
    best = sorted(range(len(candidates)), key=lambda i: -float(candidates[i].score or 0.0))[:limit]
    return sorted(best)


def doctype_sentence(doctype: str) -> str:
    """The sentence that tells the model what it reads, from a type's label or name:
    "This is a receipt.", "This is an invoice.", "This is a non-disclosure agreement.", "This is an NDA."."""
    words = _squash(doctype.replace("_", " "))
    first = words.split(" ", 1)[0]
    acronym = len(first) > 1 and first.isupper()
    if not acronym:
        words = words[0].lower() + words[1:]
    vowel_sound = words[0] in ("AEFHILMNORSX" if acronym else "aeio")  # "an NDA", "an e-mail", "a USB form"
    return f"This is {'an' if vowel_sound else 'a'} {words}."


def question(field_name: str, description: str, contexts: Sequence[str], doctype: str | None = None) -> str:
    """The question about ``field_name`` among the candidates shown in ``contexts`` (numbered from 1):
    the document type's sentence first when ``doctype`` is given, the field's description when there is one."""
    description = _squash(description or "")
    n = len(contexts)
    return QUESTION.format(
        about=f"{doctype_sentence(doctype)}\n" if doctype and doctype.strip() else "",
        field=field_name,
        description=f": {description}" if description else ".",
        candidates="\n".join(f"{i}. {context}" for i, context in enumerate(contexts, 1)),
        numbers="1" if n == 1 else f"1-{n}",
    )


def build_prompt(doc: DocText, field_name: str, description: str, candidates: Sequence[Candidate], *,
                 doctype: str | None = None, context_chars: int = CONTEXT_CHARS,
                 example: bool = True) -> list[dict[str, str]]:
    """The chat messages that ask for the field among ``candidates`` (numbered from 1, in the order given):
    system, (with ``example``) a worked example as a user/assistant turn, then the question (last).

    Document text enters only through ``doc.safe_window``; ``field_name`` and
    ``description`` come from the document type's JSON Schema, ``doctype`` (the
    type's label or name: "This is a receipt.") from its definition.
    """
    if not 0 < len(candidates) <= MAX_CANDIDATES:
        raise ValueError(f"between 1 and {MAX_CANDIDATES} candidates, got {len(candidates)}")
    contexts = [candidate_context(doc, c, context_chars) for c in candidates]
    messages = [{"role": "system", "content": SYSTEM}]
    if example:
        messages += [
            {"role": "user", "content": question(**EXAMPLE_QUESTION)},
            {"role": "assistant", "content": EXAMPLE_ANSWER},
        ]
    return messages + [{"role": "user", "content": question(field_name, description, contexts, doctype)}]


def parse_answer(text: str, n: int) -> str | None:
    """The answer as "1".."n" or "none"; "out_of_range:k" for a number outside 1..n; None for anything else.

    Strict: the first non-blank line must be just the number (optionally "Answer:",
    "Candidate", "#", a trailing "." or ")", markdown emphasis or quotes) or "none"."""
    line = next((ln for ln in (text or "").splitlines() if ln.strip(_STRIP)), "")
    line = line.strip(_STRIP)
    if _NONE_ANSWER.match(line):
        return NONE
    m = _NUMBER.match(line)
    if not m:
        return None
    value = int(m.group(1))
    return str(value) if 1 <= value <= n else f"out_of_range:{value}"


def _answer_key(token: str, n: int) -> str | None:
    t = token.strip(_STRIP).lower()
    if t.isdigit() and 1 <= int(t) <= n:
        return str(int(t))
    if t and NONE.startswith(t) and len(t) >= 2:  # "none" or its first piece ("no", "non")
        return NONE
    return None


def confidence_from_logprobs(logprobs: Any, answer: str, n: int) -> float | None:
    """P(answer) among the valid answers, from the first answer token's top logprobs (OpenAI format)."""
    try:
        entries = logprobs["content"]
    except (TypeError, KeyError):
        return None
    for entry in entries or []:
        token = entry.get("token", "")
        if not token.strip(_STRIP):
            continue  # leading whitespace/markup tokens
        mass: dict[str, float] = {}
        for alt in entry.get("top_logprobs") or [{"token": token, "logprob": entry.get("logprob")}]:
            key = _answer_key(alt.get("token", ""), n)
            lp = alt.get("logprob")
            if key is not None and isinstance(lp, (int, float)) and math.isfinite(lp):
                mass[key] = mass.get(key, 0.0) + math.exp(lp)
        total = sum(mass.values())
        if total <= 0 or answer not in mass:
            return None
        return mass[answer] / total
    return None


def _zero_usage(model: str, tier_cost: float, device: str = "remote") -> Usage:
    return Usage(model=model, kind="generator", prompt_tokens=0, output_tokens=0, latency_ms=0.0, items=0,
                 device=device, compute_type="n/a", tier="llm", cost_per_1k_tokens=tier_cost)


# --------------------------------------------------------------------------- the tiers


class LargerModelTier(ABC):
    """A larger model that chooses a field's value among candidates found in the document."""

    name: str = "llm"
    max_candidates: int = MAX_CANDIDATES
    context_chars: int = CONTEXT_CHARS
    example: bool = True  # send the worked example (see EXAMPLE_QUESTION)

    def decide_field(self, doc: DocText, field_name: str, description: str,
                     candidates: list[Candidate], *, doctype: str | None = None) -> Decision:
        """``(chosen candidate or None, confidence in [0, 1], Usage)``.

        None means the model answered "none" (confidence: how sure it is of
        that), gave an answer that does not parse, or there were no candidates
        (confidence 0). Only redacted text is sent (see :func:`build_prompt`).
        """
        if not candidates:
            return Decision(None, 0.0, self._zero_usage(), reason="no_candidates")
        keep = select_candidates(candidates, self.max_candidates)
        shown = [candidates[i] for i in keep]
        messages = build_prompt(doc, field_name, description, shown, doctype=doctype,
                                context_chars=self.context_chars, example=self.example)
        answer, confidence, usage = self._ask(messages, len(shown))
        if answer is None:
            return Decision(None, 0.0, usage, answer=None, reason="unparseable")
        if answer.startswith("out_of_range"):
            return Decision(None, 0.0, usage, answer=None, reason="out_of_range")
        if answer == NONE:
            return Decision(None, confidence, usage, answer=NONE, reason="none")
        index = keep[int(answer) - 1]
        return Decision(candidates[index], confidence, usage, index=index, answer=answer, reason="chosen")

    @abstractmethod
    def _ask(self, messages: list[dict[str, str]], n: int) -> tuple[str | None, float, Usage]:
        """(parsed answer: "1".."n" | "none" | "out_of_range:k" | None, confidence, usage)."""

    @abstractmethod
    def _zero_usage(self) -> Usage:
        ...


class OpenAICompatibleTier(LargerModelTier):
    """An OpenAI-compatible chat-completions endpoint, asked to answer with a number (greedy, few tokens).

    Confidence: with ``logprobs`` (vLLM, llama.cpp, TGI and recent Ollama give
    them), the probability of the answer among the valid answers; without,
    ``default_confidence`` for an answer that parses. A server that refuses
    logprobs with a 400/422 is asked again without, and when that answers, never asked for them
    again. (llama-cpp-python's server computes logprobs slowly; ``COLONY_LLM_LOGPROBS=0`` turns them off.)
    """

    def __init__(self, client: ChatClient, *, logprobs: bool = True, default_confidence: float = 0.75,
                 max_tokens: int = 8):
        self.client = client
        self.name = f"openai:{client.model}"
        self.logprobs = logprobs
        self.default_confidence = default_confidence
        self.max_tokens = max_tokens

    def __repr__(self):
        return f"OpenAICompatibleTier({self.client!r})"

    def _zero_usage(self) -> Usage:
        return _zero_usage(self.client.model, self.client.cost_per_1k_tokens)

    def _ask(self, messages, n):
        want_logprobs = self.logprobs
        try:
            result = self.client.chat(messages, max_tokens=self.max_tokens, temperature=0.0,
                                      logprobs=5 if want_logprobs else None)
        except LLMRequestError as exc:
            if not want_logprobs or exc.status not in (400, 422):
                raise
            result = self.client.chat(messages, max_tokens=self.max_tokens, temperature=0.0)
            self.logprobs = False  # refused with logprobs, answered without: this server does not take them
        answer = parse_answer(result.text, n)
        confidence = 0.0
        if answer is not None and not answer.startswith("out_of_range"):
            confidence = confidence_from_logprobs(result.logprobs, answer, n)
            if confidence is None:
                confidence = self.default_confidence
        return answer, confidence, result.usage


class CTranslate2Tier(LargerModelTier):
    """A registry generator with ``tier: llm``, run by the SLM runtime's ``score``.

    Each answer ("1".."n", "none") is scored as the model's whole reply; the
    choice is the most likely one and the confidence its softmax probability
    among them.
    """

    def __init__(self, model: str | None = None, *, pool=None):
        from extraction.slm.runtime import get_pool

        self.pool = pool or get_pool()
        registry = self.pool.registry
        if model is None:
            found = [m for m in registry if m.kind == "generator" and m.tier == "llm"]
            if not found:
                raise LLMConfigError(
                    f"the model registry ({registry.origin}) holds no generator with tier 'llm'; "
                    "register one in $COLONY_MODEL_REGISTRY (see extraction/llm/tier.py)"
                )
            spec = found[0]
        else:
            spec = registry.get(model)
            if spec.kind != "generator" or spec.tier != "llm":
                raise LLMConfigError(f"model {spec.name!r} is a {spec.kind} of tier {spec.tier!r}, not a tier-'llm' generator")
        self.spec = spec
        self.name = f"ctranslate2:{spec.name}"

    def __repr__(self):
        return f"CTranslate2Tier({self.spec.name!r})"

    def _zero_usage(self) -> Usage:
        return _zero_usage(self.spec.name, float(self.spec.cost_per_1k_tokens), device="local")

    def _ask(self, messages, n):
        answers = [str(i) for i in range(1, n + 1)] + [NONE]
        result = self.pool.score(messages, answers, model=self.spec.name)
        probs = result.probabilities()
        best = max(range(len(answers)), key=lambda i: probs[i])
        return answers[best], float(probs[best]), result.usage


# --------------------------------------------------------------------------- configuration

_default_store: BudgetStore = InMemoryBudgetStore()
_tier_cache: dict[tuple, LargerModelTier] = {}
_cache_lock = threading.Lock()


def set_budget_store(store: BudgetStore) -> None:
    """Use ``store`` (e.g. a database-backed one) for the budget of tiers made by configured_tier() from now on."""
    global _default_store
    with _cache_lock:
        _default_store = store
        _tier_cache.clear()


def get_budget_store() -> BudgetStore:
    return _default_store


def _parse_timeout(value: str | None) -> tuple[float, float]:
    """``"30"`` -> (connect 5, read 30); ``"3,30"`` -> (3, 30)."""
    if not value:
        return 5.0, 60.0
    try:
        parts = [float(p) for p in value.split(",")]
    except ValueError:
        raise LLMConfigError(f"{ENV_TIMEOUT} must be seconds (read) or 'connect,read', got {value!r}") from None
    if len(parts) == 1:
        return min(5.0, parts[0]), parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    raise LLMConfigError(f"{ENV_TIMEOUT} must be seconds (read) or 'connect,read', got {value!r}")


def _int_env(env: Mapping[str, str], name: str, default: int) -> int:
    value = (env.get(name) or "").strip()
    if not value:
        return default
    try:
        return int(value.replace("_", ""))
    except ValueError:
        raise LLMConfigError(f"{name} must be an integer, got {value!r}") from None


def configured_tier(env: Mapping[str, str] | None = None, *, pool=None,
                    budget_store: BudgetStore | None = None) -> LargerModelTier | None:
    """The larger-model tier the environment configures, or None when none is.

    * ``COLONY_LLM_URL`` set: an :class:`OpenAICompatibleTier` on that endpoint,
      with ``COLONY_LLM_MODEL`` (required), ``COLONY_LLM_API_KEY`` (optional,
      sent as a bearer token), ``COLONY_LLM_DAILY_TOKENS`` (0/unset: no limit),
      ``COLONY_LLM_TIMEOUT`` (read seconds, or "connect,read"; default 5,60),
      ``COLONY_LLM_RETRIES`` (default 2), ``COLONY_LLM_COST_PER_1K`` (relative
      cost, default 10) and ``COLONY_LLM_LOGPROBS`` (0 to not ask for them).
    * else ``COLONY_LLM_MODEL`` set: a :class:`CTranslate2Tier` over that
      registry model (it must be a generator with ``tier: llm``).
    * else the registry's first generator with ``tier: llm``, if any.
    * else None.

    The tier is cached per configuration, so that the circuit breaker and the
    in-process budget are shared by every call of the process.
    """
    env = os.environ if env is None else env
    url = (env.get(ENV_URL) or "").strip()
    model = (env.get(ENV_MODEL) or "").strip()
    store = budget_store or _default_store
    if url:
        if not model:
            raise LLMConfigError(f"{ENV_URL} is set but {ENV_MODEL} is not: name the model the endpoint serves")
        connect, read = _parse_timeout(env.get(ENV_TIMEOUT))
        daily = _int_env(env, ENV_DAILY_TOKENS, 0)
        retries = _int_env(env, ENV_RETRIES, 2)
        try:
            cost = float(env.get(ENV_COST) or 10.0)
        except ValueError:
            raise LLMConfigError(f"{ENV_COST} must be a number") from None
        logprobs = (env.get(ENV_LOGPROBS) or "1").strip().lower() not in ("0", "false", "no", "off")
        api_key = env.get(ENV_API_KEY) or None
        key = ("openai", url, model, api_key, connect, read, daily, retries, cost, logprobs, id(store))
        with _cache_lock:
            tier = _tier_cache.get(key)
            if tier is None:
                client = ChatClient(
                    url, model, api_key=api_key, connect_timeout=connect, read_timeout=read,
                    max_retries=retries, budget=TokenBudget(daily, store, scope=f"openai:{model}"),
                    cost_per_1k_tokens=cost,
                )
                tier = _tier_cache[key] = OpenAICompatibleTier(client, logprobs=logprobs)
            return tier
    if pool is None:
        from extraction.slm.runtime import get_pool

        pool = get_pool()
    if model:
        return CTranslate2Tier(model, pool=pool)
    if any(m.kind == "generator" and m.tier == "llm" for m in pool.registry):
        return CTranslate2Tier(pool=pool)
    return None

