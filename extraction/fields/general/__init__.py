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
from extraction.fields.general.candidates import WHOLE_LINE_SOURCES, Proposal, propose
from extraction.fields.general.features import (
    CandidateTable,
    Layout,
    line_relevance,
    priors,
    rule_votes,
    similarities,
    unit,
    validity,
)
from extraction.fields.general.kinds import ADDRESS, BEFORE_TAX, NAMES, Kind, declared_kind, field_kind, item_schema, reading
from extraction.fields.general.matching import same_value, same_values
from extraction.fields.general.specialist import SpecialistError
from extraction.fields.result import FieldResult
from extraction.validation.decision import METHODS_DISAGREE, shown_confidence

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


def kind_of_field(spec: TypeSpec, field, encode: Encoder) -> Kind:
    """What kind of value ``field`` holds: its schema's word, else its description's (read by the encoder)."""
    prop = spec.schema.get("properties", {}).get(field.name, {})
    # Only a description is read: a bare name is too short to go by ("parties" alone reads as a place).
    readable = encode.available and bool(field.description.strip())
    return field_kind(prop, field_query(field.name, field.description), encode if readable else None)


def trained_kind_of_field(spec: TypeSpec, field, encode: Encoder, learned_kinds: dict[str, Kind]) -> Kind:
    """The field's kind where a specialist was trained: the schema's word, else what the labels showed in
    training (``learned_kinds``, labelled_kinds.py), else what its description reads as."""
    prop = spec.schema.get("properties", {}).get(field.name, {})
    if declared_kind(prop) is None and field.name in learned_kinds:
        return learned_kinds[field.name]
    return kind_of_field(spec, field, encode)


def field_kinds(spec: TypeSpec, runtime=None) -> dict[str, tuple[Kind, bool]]:
    """Each field's kind, and whether its schema states it (else its description says it, read by the
    encoder; without models built, such a field is free text). What an admin sees after importing a type."""
    encode = Encoder(runtime)
    properties = spec.schema.get("properties", {})
    return {f.name: (kind_of_field(spec, f, encode), declared_kind(properties.get(f.name, {})) is not None)
            for f in spec.fields}


def field_readings(spec: TypeSpec, runtime=None) -> dict[str, str]:
    """What each field asks for, as zero-shot weighs it: free text "names" (of people or organisations) or "an
    address", an amount "the amount before tax"; other fields, and every field without models built, are not in it.
    What an admin sees after importing a type, beside each field's kind."""
    encode = Encoder(runtime)
    readings = {}
    for field in spec.fields:
        if encode.available and (asks := reading(kind_of_field(spec, field, encode),
                                                 field_query(field.name, field.description), encode)):
            readings[field.name] = asks
    return readings


class DocumentCandidates:
    """The candidate tables of one document, field by field, computed once for ranking or training."""

    def __init__(self, doc: DocText, spec: TypeSpec, runtime=None, rules: dict[str, FieldResult] | None = None,
                 learned_kinds: dict[str, Kind] | None = None):
        self.doc = doc
        self.spec = spec
        self.layout = Layout(doc)
        self.encode = Encoder(runtime)
        # A type with dedicated code: what its rules found, field by field (their votes become features).
        self.rules = rules
        # The kinds training found in the labels (labelled_kinds.py), for fields whose schema states none.
        self.learned_kinds = learned_kinds or {}
        self._proposals: dict[tuple, tuple[list[Proposal], list[dict]]] = {}
        self._zero_shot_tables: dict[str, CandidateTable | None] = {}

    def _generic(self, field) -> tuple[Kind, list[Proposal], list[dict]]:
        """The field's kind, and the candidates of that kind with their priors (before any is embedded)."""
        prop = self.spec.schema.get("properties", {}).get(field.name, {})
        kind = trained_kind_of_field(self.spec, field, self.encode, self.learned_kinds)
        pattern = item_schema(prop).get("pattern") if kind is Kind.IDENTIFIER else None
        if (kind, pattern) not in self._proposals:
            found = propose(self.doc, kind, pattern)
            # Fields of the same kind share candidates and priors; only the encoder's view differs.
            self._proposals[(kind, pattern)] = (found, priors(found, kind, self.layout) if found else [])
        return (kind, *self._proposals[(kind, pattern)])

    def values(self, field) -> list:
        """The values the field's generic candidates propose (none embedded or ranked: cheap)."""
        return [p.value for p in self._generic(field)[1]]

    def table(self, field, *, with_values: bool = False) -> CandidateTable | None:
        """The field's candidate table: as zero-shot reads it, or (``with_values``) as a specialist does, with what
        zero-shot answers for each candidate beside it (``CandidateTable.zero_shot_answer``) for a single value.

        Not for a list: its zero-shot table reads every name in a contract once more (0.15 s an NDA), and renamed NDAs'
        parties read the same with it or without it (0.727 at 50 examples, 0.825 at 200, on cached tables)."""
        if not with_values:
            if field.name not in self._zero_shot_tables:
                self._zero_shot_tables[field.name] = self._table(field, with_values=False)
            return self._zero_shot_tables[field.name]
        table = self._table(field, with_values=True)
        if table is not None and not field.is_list:
            table.zero_shot_answer = self.table(field).zero_shot
        return table

    def _table(self, field, *, with_values: bool) -> CandidateTable | None:
        kind, proposals, rows = self._generic(field)
        rule = self.rules.get(field.name) if self.rules is not None else None
        if rule is not None and (own := self._rule_proposals(rule, proposals)):
            proposals = sorted(proposals + own, key=lambda p: p.start)
            rows = priors(proposals, kind, self.layout)
        if not proposals:
            return None
        votes = None if self.rules is None else rule_votes(
            proposals, _values(rule), float(rule.confidence) if rule else 0.0, lambda a, b: same_value(kind, a, b))
        if not self.encode.available:  # no models built: the priors alone
            table = CandidateTable(kind, proposals, rows, np.zeros(len(proposals), dtype=np.float32), rule_features=votes)
        else:
            query = self.encode([field_query(field.name, field.description)])[0]
            if with_values:
                contexts, values = self._specialist_view(kind, proposals, dim=len(query))
            else:
                # Zero-shot reads the context before and around the candidate only (the line after misled it).
                contexts, values = self.encode([self.layout.context(p) for p in proposals]), None
            # Lines are embedded once per document, so the specialist's view has most of them already.
            relevance = line_relevance(query, proposals, self.layout, self.encode) if kind is Kind.TEXT else None
            table = CandidateTable(kind, proposals, rows, similarities(query, contexts), contexts, values, votes, relevance)
        # The validators the validation stage will run on the field's value.
        table.valid = validity(proposals, field.validators)
        asks = reading(kind, field_query(field.name, field.description), self.encode) if self.encode.available else None
        table.names, table.address, table.before_tax = asks == NAMES, asks == ADDRESS, asks == BEFORE_TAX
        # In the specialist's view the context similarity is that of its own view of the context, so there
        # this is zero-shot's ranking of the candidates as the specialist reads them (a feature, not a fallback).
        table.zero_shot = zeroshot.score(table)
        return table

    def zero_shot(self, field) -> FieldResult | None:
        """The field's value as zero-shot ranks it, from the schema alone (None: no candidate)."""
        table = self.table(field)
        return None if table is None else zero_shot_result(self.doc, field, table)

    def _rule_proposals(self, rule: FieldResult, proposals: list[Proposal]) -> list[Proposal]:
        """The rules' values as candidates, at their evidence, where no generic candidate stands there already."""
        taken = {(p.start, p.end) for p in proposals}
        own = []
        for value, span in zip(_values(rule), rule.evidence):
            start = self.doc.global_offset(span)
            end = start + span.end - span.start
            if (start, end) not in taken and value not in (None, ""):
                own.append(Proposal(value, self.doc.quote(span), start, end, "rule"))
        return own

    def _specialist_view(self, kind: Kind, proposals: list[Proposal], dim: int) -> tuple[np.ndarray, np.ndarray | None]:
        """What a specialist reads of each candidate: its surroundings up to the line after (where a block
        ends matters as much as where it starts) and, for free text, its own words.

        Free text is read through the embeddings of whole lines, each embedded once per document (most
        free-text candidates are lines and blocks of lines, and embedding each of them and its context
        cost 0.6 s a receipt): a line's or block's surroundings are the lines before and after it, its
        words the lines it covers; a name or phrase within a line reads its own line with those around
        and has its words embedded. Other kinds have few candidates, and the words right next to each
        (its label) matter most: their surroundings are embedded as written."""
        layout = self.layout
        if kind is not Kind.TEXT:
            return self.encode([layout.near(p) for p in proposals]), None
        own = [layout.span_lines(p) for p in proposals]
        whole = [p.source in WHOLE_LINE_SOURCES and bool(lines) for p, lines in zip(proposals, own)]
        # A whole line's context is the lines around it; a candidate within a line reads its own line(s) too.
        around = [[i for i in (layout.neighbour_index(lines[0], -1) if lines else None,
                               layout.neighbour_index(lines[-1], +1) if lines else None) if i is not None]
                  + ([] if w else lines) for lines, w in zip(own, whole)]
        needed = sorted({i for group in own + around for i in group})
        line_vectors = dict(zip(needed, self.encode([layout.line_text(i) for i in needed])))
        within = iter(self.encode([self.doc.safe_window(p.start, p.end)[:200] for p, w in zip(proposals, whole) if not w]))
        contexts = [_mean(line_vectors, near, dim) for near in around]
        values = [_mean(line_vectors, lines, dim) if w else next(within) for lines, w in zip(own, whole)]
        return np.stack(contexts), np.stack(values)


def _values(result: FieldResult | None) -> list:
    """A field result's values as a list (none, one, or a list field's items)."""
    return [] if result is None else listed(result.value)


def listed(value) -> list:
    """A field's value as a list: none, one, or a list field's items."""
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, list) else [value]


def _mean(vectors: dict[int, np.ndarray], indices: list[int], dim: int) -> np.ndarray:
    """The unit-length mean of some lines' embeddings (zeros for none)."""
    total = np.sum([vectors[i] for i in indices], axis=0) if indices else np.zeros(dim, dtype=np.float32)
    return unit(total).astype(np.float32)


def extract(doc: DocText, spec: TypeSpec, runtime=None, specialist=None,
            rules: dict[str, FieldResult] | None = None) -> dict[str, FieldResult]:
    """Every field of ``spec`` found in ``doc``; ranked by ``specialist`` where it knows the field.

    ``specialist``: a loaded Specialist, or a SpecialistError when the promoted one could not be
    loaded (its fields then fall back to zero-shot, or to ``rules``, and say so in their reasons).
    ``rules``: for a type with dedicated code, the fields its rules found. The specialist ranks with
    their votes as features (the rules are strong, noisy evidence, not the decision); where it
    chooses another value, a person looks; a field it has no ranker for keeps the rules' value.
    """
    broken = specialist if isinstance(specialist, Exception) else None
    specialist = None if broken else specialist
    candidates = DocumentCandidates(doc, spec, runtime, rules, specialist.kinds if specialist is not None else None)
    fields = dict(rules or {})
    for field in spec.fields:
        ranker = specialist.ranker(field.name) if specialist is not None and candidates.encode.available else None
        if rules is not None and ranker is None:
            if broken is not None and field.name in fields:
                fields[field.name].notes.append(SPECIALIST_UNAVAILABLE)
            continue
        table = candidates.table(field, with_values=ranker is not None)
        if table is None:
            continue
        ranked = _rank_or_none(ranker, table)
        if ranked is not None:
            scores, confidences = ranked
            result = _result(doc, field, table.proposals, scores, confidences, confidences >= 0.5)
            if field.is_list:
                result.confidence = ranker.list_confidence(table, confidences)
            result.model = specialist.system
            if rules is not None and not same_values(table.kind, _values(rules.get(field.name)), _values(result)):
                result.notes.append(METHODS_DISAGREE)
            elif rules is not None and field.name in rules:
                # The same value as the rules': their checks of it hold whoever chose it (a name with a word the
                # scanner likely misread goes to a person either way).
                result.validators = list(rules[field.name].validators)
                result.confidence = specialist.confidence_with_rules(field.name, result.confidence,
                                                                     float(rules[field.name].confidence))
            elif rules is None and held_to_zero_shot(field) \
                    and shown_confidence(result.confidence) < specialist.departing_threshold(field.name) \
                    and not agrees_with_zero_shot(table.kind, _values(candidates.zero_shot(field)), _values(result)):
                result.notes.append(METHODS_DISAGREE)
        elif rules is not None:  # the ranker failed: the rules' value stands, and says so
            if field.name in fields:
                fields[field.name].notes.append(SPECIALIST_UNAVAILABLE)
            continue
        else:
            broken = broken or (SpecialistError("its ranker failed") if ranker is not None else None)
            result = zero_shot_result(doc, field, table)
            if broken is not None:
                result.notes.append(SPECIALIST_UNAVAILABLE)
        fields[field.name] = result
    return fields


def agrees_with_zero_shot(kind: Kind, zero_shot: list, values: list) -> bool:
    """Whether zero-shot's values (its reading of the field, as a list) are ``values``. Where a type has no rules,
    zero-shot (from the schema alone, reading only what comes before and around a candidate) is the second way of
    deciding: a specialist that departs from it on a sender it never saw is most of what its thresholds let through
    wrongly (renamed NDAs at 50 examples: 4 of the 5 governing laws accepted wrongly on 80 new NDAs, and 4 of the 73
    right). So such a value needs the confidence that the specialist's own departures earned out of fold
    (``Specialist.departing_threshold``), else it goes to a person (for the fields ``held_to_zero_shot``)."""
    return same_values(kind, zero_shot, values)


def held_to_zero_shot(field) -> bool:
    """Whether a specialist's value of ``field`` (a type without rules) is compared with zero-shot's: single values
    only. A list is rarely exactly zero-shot's (a party more or less), so the comparison says little there, and it cost
    most (every name in a contract read again: 0.15 s of an NDA's 0.46 s)."""
    return not field.is_list


def zero_shot_result(doc: DocText, field, table: CandidateTable) -> FieldResult:
    scores = table.zero_shot
    return _result(doc, field, table.proposals, scores, zeroshot.confidences(scores), scores >= scores.max() - LIST_MARGIN)


def _rank_or_none(ranker, table):
    """The ranker's (scores, confidences); None without a ranker, when it was trained on another kind of value
    (the field's schema or description changed since), or when it fails (an artefact that loaded but does not fit
    this code): the field then falls back to zero-shot and says so."""
    if ranker is None:
        return None
    if not ranker.fits(table):
        logger.warning("a specialist's ranker was trained on %s values and the field now holds %s; falling back to "
                       "zero-shot until the type is trained again", ranker.kind.value, table.kind.value)
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
