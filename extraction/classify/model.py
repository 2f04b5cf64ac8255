"""The first opinion: a softmax classifier on encoder embeddings and lexical cues.

Trained at first use (milliseconds, numpy only) on the shipped labelled
examples (``examples.jsonl``) plus the reviewer corrections the caller passes.
The examples' embeddings are cached per process, keyed by the encoder's
identity and the text's digest, so a new correction costs one embedding.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .features import cue_vector, head

EXAMPLES_FILE = Path(__file__).with_name("examples.jsonl")

CUE_SCALE = 0.6  # cue features' size next to a unit-norm embedding
L2 = 1e-3  # ridge penalty of the softmax regression
EPOCHS = 400
LEARNING_RATE = 2.0
CORRECTION_WEIGHT = 3.0  # a reviewer correction counts as this many shipped examples
KNN_WEIGHT = 8.0  # logit bonus per unit of cosine similarity to a type's nearest example
TEMPERATURE = 0.6  # divides the logits; fitted (class-balanced NLL) on a labelled evaluation set


@dataclass(frozen=True)
class Example:
    text: str
    doc_type: str
    weight: float = 1.0


def load_examples(path: Path = EXAMPLES_FILE) -> list[Example]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                d = json.loads(line)
                rows.append(Example(d["text"], d["doc_type"]))
    return rows


_shipped: list[Example] | None = None


def shipped_examples() -> list[Example]:
    global _shipped
    if _shipped is None:
        _shipped = load_examples()
    return _shipped


def views(text: str) -> list[str]:
    """The encoder inputs made from one training example: its head, as for a document.

    (A second, flattened view of each example was measured: same accuracy, twice the warm-up.)
    """
    return [head(text)]


# --------------------------------------------------------------------------- embedding cache


class EmbeddingCache:
    """text digest -> embedding, per encoder; bounded, thread-safe."""

    def __init__(self, size: int = 20000):
        self.size = size
        self._data: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def embed(self, runtime, texts: Sequence[str], usage: list) -> np.ndarray:
        key_of = lambda t: (_encoder_key(runtime), hashlib.sha1(t.encode("utf-8", "surrogatepass")).hexdigest())  # noqa: E731
        keys = [key_of(t) for t in texts]
        with self._lock:
            missing = [i for i, k in enumerate(keys) if k not in self._data]
        if missing:
            todo = list(dict.fromkeys(texts[i] for i in missing))
            try:  # one text per forward pass: padding makes batches slower on the CPU
                result = runtime.embed(todo, batch_size=1)
            except TypeError:
                result = runtime.embed(todo)
            usage.append(result.usage)
            with self._lock:
                for t, v in zip(todo, np.asarray(result.vectors, dtype=np.float32)):
                    self._data[key_of(t)] = v
                while len(self._data) > self.size:
                    self._data.popitem(last=False)
        with self._lock:
            return np.stack([self._data[k] for k in keys])


def _encoder_key(runtime) -> str:
    return f"{getattr(runtime, '__name__', type(runtime).__name__)}:{id(runtime)}"


CACHE = EmbeddingCache()


# --------------------------------------------------------------------------- the classifier


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def features(vectors: np.ndarray, cues: np.ndarray) -> np.ndarray:
    return np.hstack([vectors, cues * CUE_SCALE, np.ones((len(vectors), 1), dtype=np.float32)])


def train_softmax(X: np.ndarray, y: np.ndarray, k: int, weights: np.ndarray, l2: float | None = None, epochs: int | None = None) -> np.ndarray:
    """Weighted multinomial logistic regression by full-batch gradient descent with momentum."""
    l2 = L2 if l2 is None else l2
    epochs = EPOCHS if epochs is None else epochs
    n, d = X.shape
    W = np.zeros((d, k), dtype=np.float64)
    V = np.zeros_like(W)
    Y = np.zeros((n, k))
    Y[np.arange(n), y] = 1.0
    w = (weights / weights.sum())[:, None]
    X64 = X.astype(np.float64)
    reg = np.full((d, 1), l2)
    reg[-1] = 0.0  # no penalty on the bias
    for _ in range(epochs):
        P = _softmax(X64 @ W)
        G = X64.T @ ((P - Y) * w) + reg * W
        V = 0.9 * V - LEARNING_RATE * G
        W += V
    return W.astype(np.float32)


class Classifier:
    def __init__(self, examples: Sequence[Example], vectors: np.ndarray, cues: np.ndarray, rows: list[int]):
        self.classes = sorted({e.doc_type for e in examples})
        index = {c: i for i, c in enumerate(self.classes)}
        self.labels = np.array([index[examples[r].doc_type] for r in rows])
        counts = np.bincount(self.labels, minlength=len(self.classes)).astype(np.float64)
        weights = np.array([examples[r].weight for r in rows], dtype=np.float64) / counts[self.labels]
        self.vectors = vectors
        self.W = train_softmax(features(vectors, cues), self.labels, len(self.classes), weights)
        self.example_weight = np.array([examples[r].weight for r in rows], dtype=np.float32)

    def logits(self, vector: np.ndarray, cues: np.ndarray) -> np.ndarray:
        x = features(vector[None, :], cues[None, :])
        z = (x @ self.W)[0]
        if KNN_WEIGHT:
            sims = self.vectors @ vector
            best = np.full(len(self.classes), -1.0, dtype=np.float32)
            np.maximum.at(best, self.labels, sims)
            z = z + KNN_WEIGHT * best
        return z / TEMPERATURE


_models: OrderedDict[tuple, Classifier] = OrderedDict()
_models_lock = threading.Lock()


class ExtraExamples(tuple):
    """``(text, doc_type)`` examples beyond the shipped ones, with their digest taken once: a worker passes the same
    set with every document until it changes, and hashing a trained type's examples (300 NDAs, 9 MB) cost 60 ms."""

    def __new__(cls, items: Sequence[tuple[str, str]] = ()):
        examples = super().__new__(cls, ((str(text), str(label)) for text, label in items))
        examples.digest = hashlib.sha1(json.dumps(examples).encode("utf-8", "surrogatepass")).hexdigest()
        return examples


def get_classifier(runtime, extra: Sequence[tuple[str, str]], usage: list) -> Classifier:
    """The classifier trained on the shipped examples plus ``extra`` (cached per set of corrections)."""
    extra = extra if isinstance(extra, ExtraExamples) else ExtraExamples(extra)
    key = (_encoder_key(runtime), extra.digest)
    with _models_lock:
        model = _models.get(key)
        if model is not None:
            _models.move_to_end(key)
            return model
    examples = list(shipped_examples()) + [Example(t, lbl, CORRECTION_WEIGHT) for t, lbl in extra if t.strip() and lbl]
    texts, rows, cue_rows = [], [], []
    for i, ex in enumerate(examples):
        cv = cue_vector(ex.text)
        for v in views(ex.text):
            texts.append(v)
            rows.append(i)
            cue_rows.append(cv)
    vectors = CACHE.embed(runtime, texts, usage)
    model = Classifier(examples, vectors, np.stack(cue_rows), rows)
    with _models_lock:
        _models[key] = model
        while len(_models) > 16:
            _models.popitem(last=False)
    return model


def reset() -> None:
    """Forget trained classifiers and cached embeddings (tests, or after the examples file changed). The
    embeddings go too: they are keyed by the encoder object's id, which a new encoder may reuse."""
    global _shipped
    with _models_lock:
        _models.clear()
    CACHE.clear()
    _shipped = None
