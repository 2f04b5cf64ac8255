"""The second opinion: the generator scores each candidate type's description as the answer
to "what kind of document is this?", given the document's head.

Scores are calibrated against the same question asked about an empty document
(each description's prior likelihood), so that a description that is merely
likely in general does not win. One batched ``score_batch`` call per document.
"""
from __future__ import annotations

import threading
from typing import Sequence

import numpy as np

from .features import head

HEAD_CHARS = 700  # ~200 generator tokens: keeps the batched scoring cheap
SYSTEM = "You classify documents. Answer with the description of the document's kind."
QUESTION = "Document:\n{doc}\n\nWhich description fits this document?"

# Short answers the generator scores when CANDIDATES == "labels".
LABELS = {
    "invoice": "an invoice",
    "receipt": "a shop receipt",
    "nda": "a non-disclosure agreement",
    "contract": "a contract",
    "bank_statement": "a bank statement",
    "payslip": "a payslip",
    "medical_record": "a medical record",
    "letter": "a letter",
    "resume": "a resume",
    "email": "an email",
    "application_form": "an application form",
    "insurance_claim": "an insurance claim",
    "tax_form": "a tax form",
    "other": "something else",
}
CANDIDATES = "descriptions"  # or "labels"
CALIBRATE = True

_priors: dict[tuple, dict[str, float]] = {}
_lock = threading.Lock()


def _prompt(doc: str) -> str:
    return QUESTION.format(doc=doc)


def _score(runtime, prompt: str, candidates: list[str], usage: list) -> list[float]:
    if hasattr(runtime, "score_batch"):
        result = runtime.score_batch([(prompt, candidates)], system=SYSTEM)[0]
    else:
        result = runtime.score(prompt, candidates, system=SYSTEM)
    usage.append(result.usage)
    return [float(s.logprob) for s in result.scores]


def _prior(runtime, descriptions: dict[str, str], usage: list) -> dict[str, float]:
    key = (id(runtime), tuple(sorted(descriptions.items())))
    with _lock:
        known = _priors.get(key)
    if known is not None:
        return known
    names = list(descriptions)
    values = _score(runtime, _prompt("N/A"), [descriptions[n] for n in names], usage)
    prior = dict(zip(names, values))
    with _lock:
        _priors[key] = prior
    return prior


def opinion(runtime, text: str, types: Sequence[str], descriptions: dict[str, str], usage: list) -> dict[str, float]:
    """Log-probabilities (normalised over ``types``) that the generator gives each type."""
    if CANDIDATES == "labels":
        descriptions = {t: LABELS.get(t, t.replace("_", " ")) for t in descriptions}
    types = [t for t in types if t in descriptions]
    if len(types) < 2:
        return {}
    prior = _prior(runtime, dict(descriptions), usage) if CALIBRATE else {}
    raw = _score(runtime, _prompt(head(text, HEAD_CHARS)), [descriptions[t] for t in types], usage)
    z = np.array([r - prior.get(t, 0.0) for t, r in zip(types, raw)], dtype=np.float64)
    z = z - z.max()
    logp = z - np.log(np.exp(z).sum())
    return dict(zip(types, logp.tolist()))
