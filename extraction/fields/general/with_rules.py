"""A shipped type's confidence where its specialist and its rules give the same value.

Only such values can be accepted (a departure from the rules goes to a person), and the ranker's own
confidence says little about them: it has learned to follow the rules, so most of its values stand at
0.9999 or above, wrong ones too (receipts' company names, out of fold: 223 of 294 shown as 1.0, 8 of
them wrong). The rules' own confidence tells many of those apart. So each field gets a small logistic
calibration over both readings, fitted on the ranker's out-of-fold values (training.py), and its
threshold is fitted on calibrations that did not see the value either (``out_of_fold``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

# Below this many agreeing values, or with no wrong one among them, there is nothing to learn from.
MIN_VALUES = 30
MIN_WRONG = 2
_EDGE = 1e-12  # confidences of 1.0 and 0.0 kept finite as log-odds


def _log_odds(confidence) -> np.ndarray:
    clipped = np.clip(np.asarray(confidence, dtype=float), _EDGE, 1 - _EDGE)
    return np.log(clipped / (1 - clipped))


def _features(specialist, rules) -> np.ndarray:
    return np.column_stack([_log_odds(specialist), _log_odds(rules)])


@dataclass(frozen=True)
class AgreementCalibration:
    """P(right | specialist's confidence, rules' confidence) for a value both give."""

    weights: tuple[float, float]
    intercept: float

    def __call__(self, specialist_confidence: float, rules_confidence: float) -> float:
        x = _features([specialist_confidence], [rules_confidence])[0]
        return float(1 / (1 + np.exp(-(x @ np.array(self.weights) + self.intercept))))

    def as_dict(self) -> dict:
        return {"weights": list(self.weights), "intercept": self.intercept}

    @classmethod
    def from_dict(cls, data) -> AgreementCalibration | None:
        """None for anything that is not a calibration (an older or damaged artefact: the ranker's confidence stands)."""
        try:
            weights = tuple(float(w) for w in data["weights"])
            return cls(weights, float(data["intercept"])) if len(weights) == 2 else None
        except (KeyError, TypeError, ValueError):
            return None


def fit(specialist: list[float], rules: list[float], right: list[bool]) -> AgreementCalibration | None:
    """The calibration of a field's agreeing values; None when they are too few or too clean to learn from."""
    y = np.asarray(right, dtype=int)
    if len(y) < MIN_VALUES or len(y) - y.sum() < MIN_WRONG or y.sum() < MIN_WRONG:
        return None
    model = LogisticRegression(C=1.0, max_iter=1000).fit(_features(specialist, rules), y)
    return AgreementCalibration(tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]))


def out_of_fold(specialist: list[float], rules: list[float], right: list[bool], groups: list[int],
                folds: int) -> list[float] | None:
    """Each value's calibrated confidence from a calibration fitted without its fold (``groups``: each value's fold);
    None when a fold's calibration cannot be fitted, so no threshold is fitted on calibrations that saw their values."""
    specialist, rules, right, groups = map(np.asarray, (specialist, rules, right, groups))
    calibrated = np.zeros(len(right))
    for fold in range(folds):
        held = groups == fold
        if not held.any():
            continue
        calibration = fit(list(specialist[~held]), list(rules[~held]), list(right[~held]))
        if calibration is None:
            return None
        calibrated[held] = [calibration(s, r) for s, r in zip(specialist[held], rules[held])]
    return list(calibrated)
