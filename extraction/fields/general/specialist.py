"""A type's specialist: one learned candidate ranker per field, trained on the type's labelled documents.

Like paperless-ngx's classifier, one class owns its artefact: ``FORMAT_VERSION``, ``train``,
``save``, ``load``. Each field's ranker is a logistic regression over the candidate table
(features.py): the encoder's similarity to the field's description, the generic priors and the
embeddings of each candidate's context (and, for free text, of its own redacted words). It learns
which of those matter for this field from the labels, so one design serves every type.

Confidence is the ranker's probability for the chosen value (summed over the places the value
stands), and each field's acceptance threshold is fitted on cross-validated predictions — never on
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

from extraction.fields.general.features import CandidateTable

FORMAT_VERSION = 1
MODEL_FILE = "rankers.joblib"
META_FILE = "meta.json"


class SpecialistError(Exception):
    """A specialist artefact that cannot be used (missing, corrupt, from another format version)."""


class FieldRanker:
    """Scores a field's candidates in one document; learned from tables and their 0/1 labels."""

    def __init__(self, model, uses_values: bool, is_list: bool):
        self.model = model
        self.uses_values = uses_values
        self.is_list = is_list

    @classmethod
    def fit(cls, tables: list[CandidateTable], labels: list[np.ndarray], *, is_list: bool) -> FieldRanker:
        X = np.vstack([t.matrix() for t in tables])
        y = np.concatenate(labels)
        if y.min() == y.max():
            # Every candidate was right (a date printed once per document): nothing to tell apart,
            # so all candidates score alike and a document's one value gets all the confidence.
            return cls(None, uses_values=False, is_list=is_list)
        model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, class_weight="balanced", max_iter=2000))
        model.fit(X, y)
        return cls(model, uses_values=tables[0].value_vectors is not None, is_list=is_list)

    def rank(self, table: CandidateTable) -> tuple[np.ndarray, np.ndarray]:
        """(scores to order candidates by, confidence of each candidate's value)."""
        logits = np.zeros(len(table.proposals)) if self.model is None else self.model.decision_function(table.matrix())
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


@dataclass
class Specialist:
    type_name: str
    version: str
    rankers: dict[str, FieldRanker]
    meta: dict = field(default_factory=dict)

    def ranker(self, field_name: str) -> FieldRanker | None:
        return self.rankers.get(field_name)

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

