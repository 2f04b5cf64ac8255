"""A type's specialist: one learned candidate ranker per field, trained on the type's labelled documents.

Like paperless-ngx's classifier, one class owns its artefact: ``FORMAT_VERSION``, ``save``,
``load`` (training.py trains it). Each field's ranker is a logistic regression over the candidate table
(features.py): the encoder's similarity to the field's description, the generic priors and the
embeddings of each candidate's context (and, for free text, of its own redacted words). It learns
which of those matter for this field from the labels, so one design serves every type.

Confidence is the ranker's probability for the chosen value (summed over the places the value
stands); for a list field, the probability that the list is exactly right (list_confidence). Each
field's acceptance threshold is fitted on cross-validated predictions — never on
the documents a ranker was trained on — for the target precision (training.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from extraction.fields.general.features import PRIOR_NAMES, PRIOR_NAMES_V3, CandidateTable, unit
from extraction.fields.general.kinds import Kind
from extraction.fields.general.with_rules import AgreementCalibration

FORMAT_VERSION = 3  # 2: rankers compare candidates with their training examples; 3: lines read through line embeddings
# Logistic regression's C: strong regularisation keeps a ranker from learning the training documents'
# own shops and parties. Trained on receipts 151-200 and measured on receipts 351-425 (other vendors),
# C=0.1 reached 0.743, C=0.01 0.910; on NDAs 0.727 -> 0.752 (bench/general_bench.py protocol). Those
# were the documents C was chosen on; on receipts used for neither (train 201-250, measure 101-150)
# C=0.01 reached 0.915 and C=0.1 0.905.
REGULARISATION = 0.01
MODEL_FILE = "rankers.joblib"
META_FILE = "meta.json"


class SpecialistError(Exception):
    """A specialist artefact that cannot be used (missing, corrupt, from another format version)."""


class FieldRanker:
    """Scores a field's candidates in one document; learned from tables and their 0/1 labels.

    Beside the generic features, each candidate is compared with the field's examples: how close
    its context (and, for free text, its own words) comes to the nearest right answer's in the
    training documents, and to the average right and wrong one. A few labelled documents are
    enough for that to say "the line after TOTAL" or "the line under the shop's name".
    """

    def __init__(self, model, examples: dict, is_list: bool, kind: Kind | None = None):
        self.model = model
        self.examples = examples  # "context"/"value" -> (right vectors, their documents, mean right, mean wrong)
        self.is_list = is_list
        self.prior_names = PRIOR_NAMES  # the priors it reads, as trained (older artefacts: PRIOR_NAMES_V3)
        # The kind of value it learned to rank (None: an artefact from before kinds were kept). A field whose
        # schema or description now gives another kind has candidates it never saw (fits).
        self.kind = kind
        # log(right / wrong candidates) in training. The model weighs both classes alike, which lifts every
        # probability; adding this to its logit gives the chance a candidate is right (a list's confidence).
        self.prior_logit = 0.0

    def __setstate__(self, state):
        self.__dict__.update({"prior_names": PRIOR_NAMES_V3, "kind": None, "prior_logit": 0.0, **state})

    def fits(self, table: CandidateTable) -> bool:
        """Whether ``table``'s candidates are of the kind this ranker was trained on."""
        return self.kind is None or self.kind is table.kind

    @staticmethod
    def _examples(tables, labels) -> dict:
        examples = {}
        for name in ("context", "value"):
            vectors = [getattr(t, f"{name}_vectors") for t in tables]
            if any(v is None for v in vectors):
                continue
            right = [(v[y == 1], np.full(int(y.sum()), doc)) for doc, (v, y) in enumerate(zip(vectors, labels))]
            wrong = np.vstack([v[y == 0] for v, y in zip(vectors, labels)])
            right_vectors = np.vstack([r for r, _ in right])
            examples[name] = (right_vectors, np.concatenate([d for _, d in right]),
                              unit(right_vectors.mean(axis=0)), unit(wrong.mean(axis=0)) if len(wrong) else None)
        return examples

    def _features(self, table: CandidateTable, document: int | None = None) -> np.ndarray:
        """The generic features plus the comparisons with the examples (leaving out ``document``'s own)."""
        rows = [table.matrix(self.prior_names)]
        for name in ("context", "value"):
            if name not in self.examples:
                continue
            vectors = getattr(table, f"{name}_vectors")
            right, documents, right_mean, wrong_mean = self.examples[name]
            similarity = vectors @ right.T
            if document is not None:
                similarity[:, documents == document] = -1.0
            nearest = similarity.max(axis=1) if similarity.shape[1] else np.zeros(len(vectors))
            towards_wrong = vectors @ wrong_mean if wrong_mean is not None else np.zeros(len(vectors))
            rows.append(np.column_stack([nearest, vectors @ right_mean, towards_wrong]))
        return np.hstack(rows).astype(np.float32)

    @classmethod
    def fit(cls, tables: list[CandidateTable], labels: list[np.ndarray], *, is_list: bool) -> FieldRanker:
        y = np.concatenate(labels)
        kind = tables[0].kind
        if y.min() == y.max():
            # Every candidate was right (a date printed once per document): nothing to tell apart,
            # so all candidates score alike and a document's one value gets all the confidence.
            return cls(None, {}, is_list, kind)
        ranker = cls(None, cls._examples(tables, labels), is_list, kind)
        ranker.prior_logit = float(np.log(y.sum() / (len(y) - y.sum())))
        features = [ranker._features(t, document=i) for i, t in enumerate(tables)]
        X = np.vstack(features)
        ranker.model = _logistic_regression().fit(X, y)
        if kind is not Kind.TEXT and any(labels_.sum() > 1 for labels_ in labels):
            # A value printed in several places is one answer, not several: the same figure is a receipt's
            # subtotal and its total when no tax is added, or a place is both the governing law and a party's
            # seat. Counted whole at every place, the ranker learns the wrong roles too (a bakery's section
            # total, equal to the grand total on some notes). Refitted with each document's right value
            # shared among its places by how well the first fit reads each one. Free text is left whole:
            # a shop's name at the top and in the footer is the same answer in both.
            weights = np.concatenate([_shared_among_places(ranker.model.decision_function(f), t, y_, is_list)
                                      for f, t, y_ in zip(features, tables, labels)])
            ranker.model = _logistic_regression().fit(X, y, logisticregression__sample_weight=weights)
        return ranker

    def rank(self, table: CandidateTable) -> tuple[np.ndarray, np.ndarray]:
        """(scores to order candidates by, confidence of each candidate's value)."""
        logits = np.zeros(len(table.proposals)) if self.model is None else self.model.decision_function(self._features(table))
        if self.is_list:
            # Several values can be right: each candidate's own probability, the best place of its value.
            probability = 1 / (1 + np.exp(-logits))
            by_value: dict = {}
            for p, prob in zip(table.proposals, probability):
                by_value[str(p.value)] = max(by_value.get(str(p.value), 0.0), prob)
        else:
            # One value is right: a softmax over the candidates, summed over the places a value stands.
            shifted = np.exp(logits - logits.max())
            probability = shifted / shifted.sum()
            by_value = {}
            for p, prob in zip(table.proposals, probability):
                by_value[str(p.value)] = by_value.get(str(p.value), 0.0) + prob
        confidences = np.array([by_value[str(p.value)] for p in table.proposals])
        return confidences + 1e-6 * logits, confidences

    def list_confidence(self, table: CandidateTable, confidences: np.ndarray) -> float:
        """How likely a list field's reading (the values ``rank`` gives 0.5 or more, else the best one) is
        exactly right: each value in it right, and each value left out wrong. The best value's confidence
        alone says nothing of the extra items beside it, and an extra item is an error a clerk never sees."""
        by_value = {str(p.value): float(c) for p, c in zip(table.proposals, confidences)}
        chosen = {v for v, c in by_value.items() if c >= 0.5} or {max(by_value, key=by_value.get)}
        clipped = np.clip(np.array(list(by_value.values())), 1e-9, 1 - 1e-9)
        right = 1 / (1 + np.exp(-(np.log(clipped / (1 - clipped)) + self.prior_logit)))
        return float(np.prod([r if v in chosen else 1 - r for v, r in zip(by_value, right)]))


def _logistic_regression():
    return make_pipeline(StandardScaler(), LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=2000))


def _shared_among_places(logits: np.ndarray, table: CandidateTable, labels: np.ndarray, is_list: bool) -> np.ndarray:
    """Training weights of one document's candidates: 1 for each wrong one; each right value's places share a
    weight of 1 by a softmax over their ``logits`` (for a list field, each value's places; else all of them)."""
    weights = np.ones(len(labels))
    places: dict[str, list[int]] = {}
    for index in np.flatnonzero(labels):
        places.setdefault(str(table.proposals[index].value) if is_list else "", []).append(index)
    for indices in places.values():
        shifted = np.exp(logits[indices] - logits[indices].max())
        weights[indices] = shifted / shifted.sum()
    return weights


@dataclass
class Specialist:
    type_name: str
    version: str
    rankers: dict[str, FieldRanker]
    meta: dict = field(default_factory=dict)

    def ranker(self, field_name: str) -> FieldRanker | None:
        return self.rankers.get(field_name)

    def departing_threshold(self, field_name: str) -> float:
        """The confidence a value needs when zero-shot gives another one (training.py fits it on the out-of-fold
        values zero-shot did not agree with; none fitted: no such value is accepted)."""
        threshold = self.meta.get("departing_thresholds", {}).get(field_name)
        return float(threshold) if isinstance(threshold, (int, float)) else float("inf")

    def confidence_with_rules(self, field_name: str, confidence: float, rules_confidence: float) -> float:
        """A shipped type's value that the rules give too: its confidence from both readings where training kept a
        calibration for the field (with_rules.py), else the ranker's own."""
        calibration = AgreementCalibration.from_dict(self.meta.get("calibrations_with_rules", {}).get(field_name))
        return confidence if calibration is None else calibration(confidence, rules_confidence)

    @property
    def kinds(self) -> dict[str, Kind]:
        """The kinds training found in the labels of fields whose schema states none (labelled_kinds.py)."""
        known = {kind.value for kind in Kind}
        return {name: Kind(value) for name, value in self.meta.get("kinds", {}).items() if value in known}

    @property
    def system(self) -> dict:
        """How the audit log names the model of a decision this specialist made."""
        return {"model": f"specialist:{self.type_name}", "version": self.version, "quantisation": "none", "device": "cpu"}

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        joblib.dump({"format": FORMAT_VERSION, "rankers": self.rankers}, directory / MODEL_FILE)
        (directory / META_FILE).write_text(json.dumps({**self.meta, "format": FORMAT_VERSION,
                                                       "type": self.type_name, "version": self.version}, indent=1))

    @classmethod
    def load(cls, directory: Path) -> Specialist:
        try:
            meta = json.loads((directory / META_FILE).read_text())
            payload = joblib.load(directory / MODEL_FILE)
        except Exception as exc:  # noqa: BLE001 - any unreadable artefact is the same failure to the caller
            raise SpecialistError(f"The specialist in {directory.name} cannot be read ({type(exc).__name__}).") from exc
        if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION or meta.get("format") != FORMAT_VERSION:
            raise SpecialistError(f"The specialist in {directory.name} is from another format version; train it again.")
        rankers = payload.get("rankers")
        if not isinstance(rankers, dict) or not all(isinstance(r, FieldRanker) for r in rankers.values()):
            raise SpecialistError(f"The specialist in {directory.name} holds no rankers.")
        return cls(meta["type"], meta["version"], rankers, meta)

