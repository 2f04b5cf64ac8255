"""The general extractor: any type's fields from its JSON Schema, with no code written for the type.

Steps, one module each: ``kinds`` (the schema says what kind of value a field holds),
``candidates`` (every grounded value of that kind in the text), ``features`` (context similarity
from the encoder and generic priors), ``zeroshot`` (ranking from the schema alone).
"""
from __future__ import annotations

import numpy as np

from extraction.doctypes.registry import TypeSpec
from extraction.evidence import DocText
from extraction.fields.general import zeroshot
from extraction.fields.general.candidates import Proposal, propose
from extraction.fields.general.features import Layout, priors, similarities
from extraction.fields.general.kinds import Kind, item_schema, kind_of
from extraction.fields.result import FieldResult

# A list field takes every distinct candidate scoring within this margin of the best one.
LIST_MARGIN = 0.05
MAX_LIST_ITEMS = 6


def field_query(name: str, description: str) -> str:
    """What the encoder compares contexts with: the field's name in words and its description."""
    return f"{name.replace('_', ' ')}: {description}".strip()


class _Encoder:
    """Embeddings of one document's texts, each computed once, through the metered runtime."""

    def __init__(self, runtime):
        self.runtime = runtime
        self.cache: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray | None:
        if self.runtime is None:
            return None
        missing = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if missing:
            result = self.runtime.embed(missing)
            for text, vector in zip(missing, result.vectors):
                self.cache[text] = vector
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)


def extract(doc: DocText, spec: TypeSpec, runtime=None) -> dict[str, FieldResult]:
    layout = Layout(doc)
    encode = _Encoder(runtime)
    properties = spec.schema.get("properties", {})
    proposals_by_kind: dict[tuple, list[Proposal]] = {}
    fields = {}
    for field in spec.fields:
        prop = properties.get(field.name, {})
        kind = kind_of(prop)
        pattern = item_schema(prop).get("pattern") if kind is Kind.IDENTIFIER else None
        key = (kind, pattern)
        if key not in proposals_by_kind:
            proposals_by_kind[key] = propose(doc, kind, pattern)
        proposals = proposals_by_kind[key]
        if not proposals:
            continue
        scores = _scores(field, kind, proposals, layout, encode)
        fields[field.name] = _result(doc, field, proposals, scores)
    return fields


def _scores(field, kind, proposals, layout, encode) -> np.ndarray:
    rows = priors(proposals, kind, layout)
    query = encode([field_query(field.name, field.description)])
    if query is None:  # no models built: the priors alone
        return zeroshot.score(kind, np.zeros(len(proposals), dtype=np.float32), rows)
    contexts = encode([layout.context(p) for p in proposals])
    return zeroshot.score(kind, similarities(query[0], contexts), rows)


def _result(doc, field, proposals, scores) -> FieldResult:
    order = np.argsort(-scores, kind="stable")
    best = int(order[0])
    confidence = zeroshot.confidence(scores, best)
    candidates = []
    for i in order[:5]:
        candidates.append({"value": proposals[i].value, "score": round(float(scores[i]), 4)})
    if field.is_list:
        chosen, values = [], []
        for i in order:
            if scores[i] < scores[best] - LIST_MARGIN or len(chosen) == MAX_LIST_ITEMS:
                break
            if proposals[i].value not in values:
                chosen.append(proposals[i])
                values.append(proposals[i].value)
        return FieldResult(name=field.name, value=values, raw=[p.text for p in chosen], confidence=confidence,
                           evidence=[doc.span(p.start, p.end) for p in chosen], method="slm", candidates=candidates)
    top = proposals[best]
    return FieldResult(name=field.name, value=top.value, raw=top.text, confidence=confidence,
                       evidence=[doc.span(top.start, top.end)], method="slm", candidates=candidates)
