"""Document classification by the small models.

First opinion: the encoder's embedding of the document's head, plus cheap
lexical and layout cues, fed to a softmax classifier (with a nearest-example
bonus) trained in milliseconds on the shipped labelled examples
(``examples.jsonl``) and on every reviewer correction the caller passes.
Second opinion, only when the first is unsure (``ASK_GENERATOR_BELOW``) or
when asked for: the generator scores the descriptions of the few most likely
types and the two opinions are multiplied. ``confidence`` is the combined,
temperature-calibrated probability of the chosen type; below
``OTHER_THRESHOLD`` the type is ``other``.

Measured on the shared evaluation set (bench/classify_bench.py): the encoder
alone is right on 99% of documents at ~30 ms each on 2 cores; SmolLM2-135M as
second opinion costs 1-3 s per document and made the uncertain documents
worse (32/38 right without it, 25/38 with it), so by default it is never
asked. A stronger generator in the model registry may change that: raise
``ASK_GENERATOR_BELOW`` (e.g. to 0.7) to consult it on unsure documents.

Pure Python (numpy); no Django imports. ``runtime`` is
:mod:`extraction.slm.runtime` or any object with ``embed(texts)`` and
``score``/``score_batch`` of the same shape.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Sequence

import numpy as np

from . import generator, model
from .descriptions import DESCRIPTIONS, DOC_TYPES, descriptions
from .features import cue_vector, head

__all__ = ["Classification", "classify", "warm_up", "DOC_TYPES", "DESCRIPTIONS", "OTHER"]

OTHER = "other"
OTHER_THRESHOLD = 0.5  # below this combined probability the document is "other"
ASK_GENERATOR_BELOW = 0.0  # first-opinion confidence under which the generator is asked (0: never)
GENERATOR_TOP_K = 3  # the generator chooses among this many of the encoder's best types
GENERATOR_WEIGHT = 0.5  # exponent of the generator's probabilities in the combination


@dataclass
class Classification:
    doc_type: str
    confidence: float
    scores: dict[str, float]  # probability of each type, summing to 1
    method: str  # "encoder" | "encoder+generator"
    usage: list = field(default_factory=list)  # the runtime's Usage objects, for the audit log

    def usage_dicts(self) -> list[dict]:
        out = []
        for u in self.usage:
            if hasattr(u, "as_dict"):
                out.append(u.as_dict())
            elif is_dataclass(u):
                out.append(asdict(u))
            else:
                out.append(dict(u))
        return out

    def as_dict(self) -> dict:
        return {
            "doc_type": self.doc_type,
            "confidence": self.confidence,
            "scores": dict(self.scores),
            "method": self.method,
            "usage": self.usage_dicts(),
        }


def _runtime(runtime):
    if runtime is None:
        from extraction.slm import runtime as default_runtime

        return default_runtime
    return runtime


def classify(
    text: str,
    *,
    runtime=None,
    extra_examples: Sequence[tuple[str, str]] = (),
    use_generator: bool | None = None,
) -> Classification:
    """The type of the document whose text is ``text``.

    ``extra_examples``: reviewer corrections as ``(text, doc_type)``; they are
    trained on alongside the shipped examples (and may introduce new types).
    ``use_generator``: ``None`` asks the generator only when the encoder is
    unsure (below ``ASK_GENERATOR_BELOW``); ``True``/``False`` force it.
    """
    rt = _runtime(runtime)
    usage: list = []
    text = text or ""
    if not text.strip():
        scores = {OTHER: 1.0}
        return Classification(OTHER, 0.0, scores, "encoder", usage)

    clf = model.get_classifier(rt, extra_examples, [])  # training cost is the process's, not the document's
    result = rt.embed([head(text)])
    usage.append(result.usage)
    vector = np.asarray(result.vectors, dtype=np.float32)[0]
    logits = clf.logits(vector, cue_vector(text))
    probs = _softmax(logits)
    method = "encoder"

    ask = use_generator if use_generator is not None else float(probs.max()) < ASK_GENERATOR_BELOW
    if ask and (hasattr(rt, "score_batch") or hasattr(rt, "score")):
        top = [clf.classes[i] for i in np.argsort(-probs)[:GENERATOR_TOP_K]]
        try:
            gen = generator.opinion(rt, text, top, descriptions(clf.classes), usage)
        except Exception:  # noqa: BLE001 - the second opinion is optional: fall back to the first
            gen = {}
        if gen:
            probs = combine(clf.classes, probs, gen)
            method = "encoder+generator"

    scores = {c: float(p) for c, p in zip(clf.classes, probs)}
    best = max(scores, key=scores.get)
    confidence = scores[best]
    doc_type = best if confidence >= OTHER_THRESHOLD else OTHER
    if doc_type == OTHER and best != OTHER:
        confidence = max(scores.get(OTHER, 0.0), 1.0 - confidence)
    return Classification(doc_type, round(float(min(1.0, max(0.0, confidence))), 4), scores, method, usage)


def warm_up(runtime=None, extra_examples: Sequence[tuple[str, str]] = ()) -> list:
    """Embed the shipped examples and train the classifier now (a worker's process start).

    Returns the runtime's usage records of the embedding calls made (empty when already warm).
    """
    usage: list = []
    model.get_classifier(_runtime(runtime), extra_examples, usage)
    return usage


def combine(classes: list[str], probs: np.ndarray, gen: dict[str, float]) -> np.ndarray:
    """Product of experts over the generator's candidates; the others keep their first-opinion mass."""
    probs = probs.astype(np.float64).copy()
    idx = [classes.index(t) for t in gen]
    mass = probs[idx].sum()
    logp = np.log(np.maximum(probs[idx], 1e-12)) + GENERATOR_WEIGHT * np.array([gen[classes[i]] for i in idx])
    logp -= logp.max()
    p = np.exp(logp)
    probs[idx] = mass * p / p.sum()
    return probs


def _softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    z = z - z.max()
    e = np.exp(z)
    return e / e.sum()
