"""Training a type's specialist from labelled documents, and the cross-validated figures it reports.

For each field: every labelled document's candidate table, each candidate labelled by whether its
value is the label's (matching.py). Cross-validation by document gives out-of-fold predictions:
the accuracy the registry shows, and the threshold for the target precision that calibration
stores. The rankers that ship are then fitted on all the documents.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from extraction.doctypes.registry import TypeSpec
from extraction.evidence import DocText
from extraction.fields.general import (
    DocumentCandidates,
    Encoder,
    agrees_with_zero_shot,
    held_to_zero_shot,
    kind_of_field,
    listed,
    trained_kind_of_field,
    with_rules,
)
from extraction.fields.general.features import CandidateTable
from extraction.fields.general.kinds import Kind
from extraction.fields.general.labelled_kinds import learned_kinds
from extraction.fields.general.matching import matched_items, matches_label, same_value, same_values
from extraction.fields.general.specialist import FieldRanker, Specialist
from extraction.fields.registry import extract_with, has_rules, rule_fields
from extraction.validation.decision import FieldStatus, shown_confidence
from extraction.validation.validate import validate_document

MIN_DOCUMENTS = 8
FOLDS = 5
TARGET_PRECISION = 0.98
NEVER = 1.01  # a threshold no confidence reaches: every value of the field goes to a person
# Out-of-fold values a threshold must accept before it is believed: below that a clean record says little
# (10 right of 10 is no evidence of 98% precision), so the field's values all go to a person.
MIN_ACCEPTED = 20


class TrainingError(ValueError):
    """Training cannot start: too few labelled documents, or labels that do not fit the type."""


@dataclass
class Labelled:
    name: str
    doc: DocText
    labels: dict  # field name -> value (a list for list fields)


@dataclass
class FieldReport:
    documents: int = 0  # labelled documents with a value for the field
    reachable: int = 0  # of those, how many had a candidate equal to the label
    correct: int = 0  # out-of-fold predictions equal to the label
    accepted: int = 0  # out-of-fold predictions at or above the threshold
    accepted_correct: int = 0
    threshold: float = NEVER
    # The confidence a value zero-shot does not give needs as well (a type without rules; agrees_with_zero_shot).
    departing_threshold: float = NEVER
    # What decides the field: its learned ranker, or, where that ranker did worse out of fold than what the
    # field has without it, the rules (a type with dedicated code) or zero-shot.
    ranked_by: str = "specialist"
    fallback_correct: int = 0  # the documents the rules or zero-shot got right
    kind: str = ""
    # Whether the labels showed another kind than the field's description reads as (labelled_kinds.py).
    kind_from_labels: bool = False
    # A shipped type's field whose accepted values are judged by the specialist's and the rules' confidence together.
    calibration: with_rules.AgreementCalibration | None = None

    def as_dict(self) -> dict:
        n = max(self.documents, 1)
        return {"documents": self.documents, "candidate_recall": round(self.reachable / n, 4),
                "accuracy": round(self.correct / n, 4), "automation": round(self.accepted / n, 4),
                "auto_precision": round(self.accepted_correct / self.accepted, 4) if self.accepted else None,
                "threshold": shown_confidence(self.threshold),
                "departing_threshold": shown_confidence(self.departing_threshold), "ranked_by": self.ranked_by,
                "without_specialist": round(self.fallback_correct / n, 4), "kind": self.kind,
                "kind_from_labels": self.kind_from_labels, "calibrated_with_rules": self.calibration is not None}


@dataclass
class TrainingReport:
    documents: int
    fields: dict[str, FieldReport] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        total = sum(r.documents for r in self.fields.values())
        return sum(r.correct for r in self.fields.values()) / total if total else 0.0

    def thresholds(self) -> dict[str, float]:
        """Thresholds of the fields the specialist ranks (the others keep the type's own: promoted_thresholds)."""
        return {name: shown_confidence(r.threshold) for name, r in self.fields.items() if r.ranked_by == "specialist"}

    def as_dict(self) -> dict:
        return {"documents": self.documents, "accuracy": round(self.accuracy, 4),
                "fields": {name: r.as_dict() for name, r in self.fields.items()}}


class Prediction(NamedTuple):
    """A ranker's out-of-fold reading of one document's field."""

    document: int
    confidence: float
    ok: bool  # the label's value
    agrees: bool  # a value that can be accepted: the rules' own, their checks passed (or, without rules, see train)
    rules_confidence: float


class Entry(NamedTuple):
    """One labelled document's view of one field."""

    document: int  # its index among the training documents
    table: CandidateTable | None
    labels: np.ndarray | None  # 0/1 per candidate: is its value the label's
    label: object
    fallback: object  # the value the field gets without a ranker: the rules' or zero-shot's
    fallback_checked: bool = True  # the rules' own checks of their value passed (general.extract carries them over)
    fallback_confidence: float = 0.0  # the rules' confidence in their value (with_rules.py)


def _tables(spec: TypeSpec, documents: list[Labelled], runtime, kinds: dict[str, Kind]) -> dict[str, list[Entry]]:
    """{field: [Entry]} for every field with a label in a document (``kinds``: those the labels showed)."""
    by_field = {f.name: [] for f in spec.fields}
    for index, item in enumerate(documents):
        rules = rule_fields(item.doc, spec, runtime)
        candidates = DocumentCandidates(item.doc, spec, runtime, rules, kinds)
        for spec_field in spec.fields:
            label = item.labels.get(spec_field.name)
            if label in (None, "", []):
                continue
            table = candidates.table(spec_field, with_values=True)
            labels = (np.array([matches_label(table.kind, label, p.value) for p in table.proposals], dtype=int)
                      if table is not None else None)
            fallback = rules.get(spec_field.name) if rules is not None else candidates.zero_shot(spec_field)
            checked = fallback is None or rules is None or all(check.passed for check in fallback.validators)
            by_field[spec_field.name].append(Entry(index, table, labels, label, fallback and fallback.value, checked,
                                                   float(fallback.confidence) if fallback is not None else 0.0))
    return by_field


def _predict(ranker: FieldRanker | None, table: CandidateTable | None, is_list: bool):
    """(value, confidence) the ranker gives a document; (None, 0) when it cannot."""
    if ranker is None or table is None:
        return None, 0.0
    scores, confidences = ranker.rank(table)
    best = int(np.argmax(scores))
    if is_list:
        values = list(dict.fromkeys(str(p.value) for p, c in zip(table.proposals, confidences) if c >= 0.5))
        return values or [str(table.proposals[best].value)], ranker.list_confidence(table, confidences)
    return table.proposals[best].value, float(confidences[best])


def _correct(kind, label, value, is_list) -> bool:
    if is_list:
        labels = label if isinstance(label, list) else [label]
        values = value if isinstance(value, list) else [value]
        return same_values(kind, labels, values)
    return same_value(kind, label, value)


def _hits(kind, label, value, is_list) -> int:
    """How many of the label's values ``value`` holds: each item of a list field, else 0 or 1."""
    if not is_list:
        return int(same_value(kind, label, value))
    return matched_items(kind, label if isinstance(label, list) else [label], value if isinstance(value, list) else [value])[0]


def _threshold(predictions: list[tuple[float, bool]], target: float) -> float:
    """The lowest confidence above which out-of-fold precision reaches ``target`` (most values accepted),
    estimated cautiously: precision on new documents fell short of the raw estimate on small sets."""
    best = NEVER
    # At the precision confidences are compared with (ties at 0.9999x and 1.0 alike are one tie, as the stage sees them).
    ordered = sorted(((shown_confidence(confidence), ok) for confidence, ok in predictions), key=lambda p: -p[0])
    correct = 0
    for count, (confidence, ok) in enumerate(ordered, start=1):
        correct += ok
        # Stop between equal confidences only: a threshold accepts all of them or none.
        # Laplace's rule: one error is assumed beyond those seen, so a short clean record does not pass for 98%.
        if count >= MIN_ACCEPTED and (correct + 1) / (count + 2) >= target \
                and (count == len(ordered) or ordered[count][0] < confidence):
            best = confidence
    return best


def _fit_thresholds(stats: FieldReport, predictions: list[Prediction], dedicated: bool, folds: int,
                    target_precision: float) -> None:
    """The field's thresholds from its out-of-fold predictions, and the values they accept (``stats``)."""
    # Without rules: the field's threshold from all its values, and the values zero-shot does not give held to their
    # own record as well (a sender the ranker never saw makes it depart from zero-shot, and most of its confident
    # errors there; where the labels consistently differ from what the description says, its departures are right).
    # With rules: a value they do not give, or whose checks failed, is never accepted, so the threshold is fitted on
    # the values that can be (counted with the others, the NDAs' effective dates that the ranker read
    # otherwise than the rules held its threshold up: 2-fold, automated 0.38 -> 0.81 once they were left out).
    stats.threshold = _threshold([(p.confidence, p.ok) for p in predictions if p.agrees or not dedicated],
                                 target_precision)
    stats.departing_threshold = NEVER if dedicated else _threshold(
        [(p.confidence, p.ok) for p in predictions if not p.agrees], target_precision)
    if dedicated:
        predictions = _calibrated_with_rules(stats, predictions, folds, target_precision)
    # Compared as the validation stage compares them (decision.shown_confidence).
    accepted = [p.ok for p in predictions if shown_confidence(p.confidence) >= stats.threshold
                and (p.agrees or shown_confidence(p.confidence) >= stats.departing_threshold)]
    stats.accepted, stats.accepted_correct = len(accepted), sum(accepted)


def _rules_settled(entries: list[Entry], kind, threshold: float, is_list: bool) -> int:
    """How many of a shipped type's labelled documents its rules settle right: their value, its checks passed, at
    ``threshold`` (the type's schema's, the one they are judged by without a specialist)."""
    return sum(e.fallback is not None and e.fallback_checked and shown_confidence(e.fallback_confidence) >= threshold
               and _correct(kind, e.label, e.fallback, is_list) for e in entries)


def _calibrated_with_rules(stats: FieldReport, predictions: list[Prediction], folds: int,
                           target: float) -> list[Prediction]:
    """A shipped type's field: where a calibration over the specialist's and the rules' confidence (with_rules.py)
    accepts more of the values that can be accepted than the ranker's confidence alone, at the same target precision,
    the field keeps it (``stats``: its calibration and threshold) and the predictions carry its confidences."""
    agreeing = [p for p in predictions if p.agrees]
    columns = ([p.confidence for p in agreeing], [p.rules_confidence for p in agreeing], [p.ok for p in agreeing])
    calibrated = with_rules.out_of_fold(*columns, [p.document % folds for p in agreeing], folds)
    calibration = with_rules.fit(*columns)
    if calibrated is None or calibration is None:
        return predictions
    threshold = _threshold(list(zip(calibrated, columns[2])), target)
    accepted = sum(shown_confidence(c) >= threshold for c in calibrated)
    if accepted <= sum(shown_confidence(p.confidence) >= stats.threshold for p in agreeing):
        return predictions
    stats.calibration, stats.threshold = calibration, threshold
    by_document = {p.document: c for p, c in zip(agreeing, calibrated)}
    return [p._replace(confidence=by_document[p.document]) if p.agrees else p for p in predictions]


def _fit(entries: list[Entry], is_list):
    usable = [(e.table, e.labels) for e in entries if e.table is not None and e.labels.any()]
    if not usable:
        return None
    return FieldRanker.fit([t for t, _ in usable], [y for _, y in usable], is_list=is_list)


def train(spec: TypeSpec, documents: list[Labelled], runtime, *, version: str, folds: int = FOLDS,
          target_precision: float = TARGET_PRECISION) -> tuple[Specialist, TrainingReport]:
    if len(documents) < MIN_DOCUMENTS:
        raise TrainingError(f"Training needs at least {MIN_DOCUMENTS} labelled documents; {len(documents)} given.")
    encode = Encoder(runtime)
    kinds = learned_kinds(spec, documents, encode) if encode.available else {}
    by_field = _tables(spec, documents, runtime, kinds)
    report = TrainingReport(len(documents))
    rankers = {}
    folds = min(folds, len(documents))
    dedicated = has_rules(spec.name)
    for spec_field in spec.fields:
        entries = by_field[spec_field.name]
        if not entries:
            continue
        stats = report.fields[spec_field.name] = FieldReport(documents=len(entries))
        stats.reachable = sum(1 for e in entries if e.table is not None and e.labels.any())
        kind = trained_kind_of_field(spec, spec_field, encode, kinds)
        stats.kind, stats.kind_from_labels = kind.value, kind is not kind_of_field(spec, spec_field, encode)
        stats.fallback_correct = sum(e.fallback is not None and _correct(kind, e.label, e.fallback, spec_field.is_list)
                                     for e in entries)
        fallback_hits = sum(_hits(kind, e.label, e.fallback, spec_field.is_list) for e in entries if e.fallback is not None)
        predictions, hits = [], 0
        # Interleaved folds. Folds of consecutive documents (a sender's run held out whole) were tried:
        # on renamed receipts 351-425 they automated nothing at 50 examples (0.243 interleaved) and held
        # auto-precision 0.969 at 200 (1.000 interleaved).
        for fold in range(folds):
            held_out = [e for e in entries if e.document % folds == fold]
            ranker = _fit([e for e in entries if e.document % folds != fold], spec_field.is_list)
            for entry in held_out:
                value, confidence = _predict(ranker, entry.table, spec_field.is_list)
                ok = value is not None and _correct(kind, entry.label, value, spec_field.is_list)
                stats.correct += ok
                hits += 0 if value is None else _hits(kind, entry.label, value, spec_field.is_list)
                # Whether the value is the fallback's. Where the type has rules, extraction sends any other value to a
                # person (general.extract), and the rules' value too where their own checks of it failed; where it has
                # none, a value zero-shot does not give is held to its own threshold (held_to_zero_shot: not a list).
                agrees = value is not None and (
                    same_values(kind, listed(entry.fallback), listed(value)) and entry.fallback_checked if dedicated
                    else not held_to_zero_shot(spec_field)
                    or agrees_with_zero_shot(kind, listed(entry.fallback), listed(value)))
                predictions.append(Prediction(entry.document, confidence, ok, agrees, entry.fallback_confidence))
        # Compared value by value, as the evaluation scores a list: a ranker that finds most parties of most
        # documents beats a fallback whose rare whole lists are right (by whole lists alone, zero-shot's 6 right
        # lists of 100 NDAs beat a ranker that found 60% of the parties).
        if hits >= fallback_hits:
            _fit_thresholds(stats, predictions, dedicated, folds, target_precision)
        # Out of fold, the ranker does worse than what the field has without it (few examples, or a field zero-shot or
        # the rules already read well), or, for a shipped type, settles fewer of its values right than the rules do at
        # the schema's threshold: the field keeps that, and says so. A shipped type's specialist must do as well on
        # both counts: one that reads a few more values but settles fewer leaves people more to check (2-fold, the
        # NDAs' parties: 0.845 read, 0.105 settled, against the rules' 0.859 and 0.203; the receipts' company 0.917 and
        # 0.350 against 0.930 and 0.745; the NDAs' term, read alike, 0 settled against 0.647 at 1.000).
        if hits < fallback_hits or dedicated and stats.accepted_correct < _rules_settled(
                entries, kind, spec.schema_threshold(spec_field.name), spec_field.is_list):
            stats.ranked_by = "rules" if dedicated else "zero-shot"
            stats.correct = stats.fallback_correct
            stats.accepted = stats.accepted_correct = 0
            stats.threshold, stats.departing_threshold = spec.schema_threshold(spec_field.name), NEVER
            stats.calibration = None
            continue
        ranker = _fit(entries, spec_field.is_list)
        if ranker is not None:
            rankers[spec_field.name] = ranker
    meta = {"documents": len(documents), "cv": report.as_dict(), "thresholds": report.thresholds(),
            "calibrations_with_rules": {name: r.calibration.as_dict() for name, r in report.fields.items()
                                        if r.ranked_by == "specialist" and r.calibration is not None},
            "departing_thresholds": {name: shown_confidence(r.departing_threshold) for name, r in report.fields.items()
                                     if r.ranked_by == "specialist"},
            "kinds": {name: kind.value for name, kind in kinds.items()}}
    return Specialist(spec.name, version, rankers, meta), report


def measure(spec: TypeSpec, documents: list[Labelled], runtime, specialist: Specialist | None = None, *,
            in_text: bool = False) -> dict:
    """What the pipeline would do with ``documents``: extraction, then the validation stage's decision
    (``spec``'s thresholds), compared with the labels as the evaluation set's scorer compares them
    (each item of a list counts; an extra accepted item counts against auto-precision). The figures
    of the whole type, and of each field under "fields"; "seconds_per_document", the extraction and
    validation alone. ``in_text``: also count the labelled values the text holds (the documents'
    candidates proposed once more, outside the time measured)."""
    tallies = {f.name: Tally() for f in spec.fields}
    encode = Encoder(runtime)
    learned = specialist.kinds if isinstance(specialist, Specialist) else {}
    kinds = {f.name: trained_kind_of_field(spec, f, encode, learned) for f in spec.fields}
    extracting = 0.0
    for item in documents:
        started = time.perf_counter()
        fields = extract_with(item.doc, spec, runtime, specialist)
        validate_document(spec, fields)
        extracting += time.perf_counter() - started
        candidates = DocumentCandidates(item.doc, spec, runtime, learned_kinds=learned) if in_text else None
        for spec_field in spec.fields:
            label = item.labels.get(spec_field.name)
            if label in (None, "", []):
                continue
            kind = kinds[spec_field.name]
            result = fields.get(spec_field.name)
            labels = label if isinstance(label, list) else [label]
            values = [] if result is None else (result.value if isinstance(result.value, list) else [result.value])
            hits, extra = matched_items(kind, labels, values)
            tally = tallies[spec_field.name]
            tally.gold += len(labels)
            tally.correct += hits
            # The labelled values the document's text holds as a candidate (or the rules found): what any ranking
            # can reach. The rest differ from the text itself (a scan's misread letters, a label typed otherwise).
            if candidates is not None:
                tally.in_text += matched_items(kind, labels, list(dict.fromkeys(
                    [str(v) for v in candidates.values(spec_field)] + [str(v) for v in values])))[0]
            if result is not None and result.status == FieldStatus.ACCEPTED:
                tally.accepted += hits + (extra if isinstance(label, list) else int(hits == 0))
                tally.accepted_correct += hits
    total = sum(tallies.values(), Tally())
    return {**total.figures(), "fields": {name: tally.figures() for name, tally in tallies.items() if tally.gold},
            "seconds_per_document": extracting / max(len(documents), 1)}


@dataclass
class Tally:
    """Counts of values: labelled, extracted right, accepted, accepted and right."""

    gold: int = 0
    correct: int = 0
    accepted: int = 0
    accepted_correct: int = 0
    in_text: int = 0  # labelled values some candidate of the document's text holds

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.gold + other.gold, self.correct + other.correct, self.accepted + other.accepted,
                     self.accepted_correct + other.accepted_correct, self.in_text + other.in_text)

    def figures(self) -> dict:
        """The rates, with the counts they come from (to pool several measurements exactly)."""
        gold = self.gold
        return {"counts": self, "values": gold, "accuracy": self.correct / gold if gold else 0.0,
                "in_text": self.in_text / gold if gold else 0.0,
                "automation": self.accepted / gold if gold else 0.0,
                "auto_precision": self.accepted_correct / self.accepted if self.accepted else None}
