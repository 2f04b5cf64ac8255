"""The larger-model tiers of hybrid routing (no Django import).

* :mod:`extraction.llm.client`: an OpenAI-compatible chat-completions client with
  timeouts, retries, a circuit breaker and a per-day token budget.
* :mod:`extraction.llm.tier`: ``LargerModelTier.decide_field`` over that client
  (``OpenAICompatibleTier``) or a registry model of tier ``llm``
  (``CTranslate2Tier``); ``configured_tier()`` reads the environment.
"""
from .client import (
    BudgetExceeded,
    BudgetStore,
    ChatClient,
    ChatResult,
    CircuitBreaker,
    CircuitOpen,
    InMemoryBudgetStore,
    LLMConfigError,
    LLMError,
    LLMRequestError,
    LLMResponseError,
    LLMUnavailable,
    TokenBudget,
)
from .tier import (
    CTranslate2Tier,
    Decision,
    LargerModelTier,
    OpenAICompatibleTier,
    build_prompt,
    configured_tier,
    get_budget_store,
    parse_answer,
    set_budget_store,
)

__all__ = [
    "BudgetExceeded", "BudgetStore", "ChatClient", "ChatResult", "CircuitBreaker", "CircuitOpen",
    "InMemoryBudgetStore", "LLMConfigError", "LLMError", "LLMRequestError", "LLMResponseError",
    "LLMUnavailable", "TokenBudget", "CTranslate2Tier", "Decision", "LargerModelTier",
    "OpenAICompatibleTier", "build_prompt", "configured_tier", "get_budget_store", "parse_answer",
    "set_budget_store",
]
