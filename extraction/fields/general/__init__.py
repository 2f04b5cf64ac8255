"""The general extractor: any type's fields from its JSON Schema, with no code written for the type.

Steps, one module each: ``kinds`` (the schema says what kind of value a field holds),
``candidates`` (every grounded value of that kind in the text), ``features`` (context similarity
from the encoder and generic priors), then a ranker: ``specialist`` (learned from the type's
labelled documents, when one is trained and promoted) or ``zeroshot`` (from the schema alone).
"""
from __future__ import annotations

import logging

import numpy as np

from extraction.doctypes.registry import TypeSpec
from extraction.evidence import DocText
from extraction.fields.general import zeroshot
from extraction.fields.general.candidates import Proposal, propose
from extraction.fields.general.features import CandidateTable, Layout, priors, similarities
from extraction.fields.general.kinds import Kind, item_schema, kind_of
from extraction.fields.general.specialist import SpecialistError
from extraction.fields.result import FieldResult

logger = logging.getLogger(__name__)

# A list field takes every distinct candidate scoring within this margin of the best one.
LIST_MARGIN = 0.05
MAX_LIST_ITEMS = 6
SPECIALIST_UNAVAILABLE = "specialist_unavailable"


def field_query(name: str, description: str) -> str:
    """What the encoder compares contexts with: the field's name in words and its description."""
    return f"{name.replace('_', ' ')}: {description}".strip()


class Encoder:
    """Embeddings of one document's texts, each computed once, through the (metered) runtime."""

    def __init__(self, runtime):
        self.runtime = runtime
        self.cache: dict[str, np.ndarray] = {}

    @property
    def available(self) -> bool:
        return self.runtime is not None

    def __call__(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if missing:
            result = self.runtime.embed(missing)
            for text, vector in zip(missing, result.vectors):
                self.cache[text] = vector
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)


class DocumentCandidates:
    """The candidate tables of one document, field by field, computed once for ranking or training."""

    def __init__(self, doc: DocText, spec: TypeSpec, runtime=None):
        self.doc = doc
        self.spec = spec
        self.layout = Layout(doc)
        self.encode = Encoder(runtime)
        self._proposals: dict[tuple, tuple[list[Proposal], list[dict]]] = {}

    def table(self, field, *, with_values: bool = False) -> CandidateTable | None:
        prop = self.spec.schema.get("properties", {}).get(field.name, {})
        kind = kind_of(prop)
        pattern = item_schema(prop).get("pattern") if kind is Kind.IDENTIFIER else None
        if (kind, pattern) not in self._proposals:
            found = propose(self.doc, kind, pattern)
            # Fields of the same kind share candidates and priors; only the encoder's view differs.
            self._proposals[(kind, pattern)] = (found, priors(found, kind, self.layout) if found else [])
        proposals, rows = self._proposals[(kind, pattern)]
        if not proposals:
            return None
        if not self.encode.available:  # no models built: the priors alone
            return CandidateTable(kind, proposals, rows, np.zeros(len(proposals), dtype=np.float32))
        query = self.encode([field_query(field.name, field.description)])[0]
        # A specialist reads the context up to the line after (block boundaries) and a free text's own
        # words; zero-shot the context before and around the candidate only (the line after misled it).
        contexts = self.encode([self.layout.context(p, after=with_values) for p in proposals])
        values = None
        if with_values and kind is Kind.TEXT:
            values = self.encode([self.doc.safe_window(p.start, p.end)[:200] for p in proposals])
        return CandidateTable(kind, proposals, rows, similarities(query, contexts), contexts, values)


def extract(doc: DocText, spec: TypeSpec, runtime=None, specialist=None) -> dict[str, FieldResult]:
    """Every field of ``spec`` found in ``doc``; ranked by ``specialist`` where it knows the field.

    ``specialist``: a loaded Specialist, or a SpecialistError when the promoted one could not be
    loaded (its fields then fall back to zero-shot and say so in their reasons).
    """
    candidates = DocumentCandidates(doc, spec, runtime)
    broken = specialist if isinstance(specialist, Exception) else None
    specialist = None if broken else specialist
    fields = {}
    for field in spec.fields:
        ranker = specialist.ranker(field.name) if specialist is not None and candidates.encode.available else None
        table = candidates.table(field, with_values=ranker is not None)
        if table is None:
            continue
        ranked = _rank_or_none(ranker, table)
        if ranked is not None:
            scores, confidences = ranked
            result = _result(doc, field, table.proposals, scores, confidences, confidences >= 0.5)
            result.model = specialist.system
        else:
            broken = broken or (SpecialistError("its ranker failed") if ranker is not None else None)
            scores = zeroshot.score(table.kind, table.context_similarity, table.rows)
            result = _result(doc, field, table.proposals, scores, zeroshot.confidences(scores),
                             scores >= scores.max() - LIST_MARGIN)
            if broken is not None:
                result.notes.append(SPECIALIST_UNAVAILABLE)
        fields[field.name] = result
    return fields


def _rank_or_none(ranker, table):
    """The ranker's (scores, confidences); None without a ranker or when it fails (an artefact that
    loaded but does not fit this code): the field then falls back to zero-shot and says so."""
    if ranker is None:
        return None
    try:
        return ranker.rank(table)
    except Exception:  # noqa: BLE001 - whatever broke, the document is still extracted
        logger.exception("a specialist's ranker failed; falling back to zero-shot")
        return None


def _result(doc, field, proposals, scores, confidences, in_list) -> FieldResult:
    """The best candidate (or, for a list field, the best and the others ``in_list``) with the evidence of each."""
    order = np.argsort(-scores, kind="stable")
    best = int(order[0])
    candidates = [{"value": proposals[i].value, "score": round(float(scores[i]), 4)} for i in order[:5]]
    if field.is_list:
        chosen, values = [], []
        for i in order:
            if (i != best and not in_list[i]) or len(chosen) == MAX_LIST_ITEMS:
                break
            if proposals[i].value not in values:
                chosen.append(proposals[i])
                values.append(proposals[i].value)
        return FieldResult(name=field.name, value=values, raw=[p.text for p in chosen], confidence=float(confidences[best]),
                           evidence=[doc.span(p.start, p.end) for p in chosen], method="slm", candidates=candidates)
    top = proposals[best]
    return FieldResult(name=field.name, value=top.value, raw=top.text, confidence=float(confidences[best]),
                       evidence=[doc.span(top.start, top.end)], method="slm", candidates=candidates)
