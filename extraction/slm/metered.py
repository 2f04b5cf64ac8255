"""A runtime that keeps the token accounting of every call made through it.

Extractors call ``runtime.score(...)`` deep inside their rules and only want the answer; the
pipeline wraps the runtime it hands them in a ``MeteredRuntime`` so that the tokens they spent
reach the audit log and the routing report's cost, without each extractor passing usage back.
"""
from __future__ import annotations

_CALLS = ("embed", "generate", "score", "score_batch")


class MeteredRuntime:
    def __init__(self, runtime):
        self._runtime = runtime
        self.usage: list = []  # extraction.slm.runtime.Usage of every call, in order

    def __getattr__(self, name):
        attr = getattr(self._runtime, name)
        if name not in _CALLS:
            return attr

        def call(*args, **kwargs):
            result = attr(*args, **kwargs)
            seen = set()  # score_batch's results share the one Usage of their batch
            for item in result if isinstance(result, list) else [result]:
                usage = getattr(item, "usage", None)
                if usage is not None and id(usage) not in seen:
                    seen.add(id(usage))
                    self.usage.append(usage)
            return result

        return call


def by_model(usage: list) -> dict[str, list]:
    """Usage records grouped by the model that spent them, in first-call order."""
    groups: dict[str, list] = {}
    for item in usage:
        groups.setdefault(item.model, []).append(item)
    return groups
