"""A shipped type's confidence where its specialist and its rules agree: a calibration over both readings,
fitted and thresholded on values it did not see, kept only where it accepts more than the ranker alone."""
import random

from extraction.fields.general import with_rules
from extraction.fields.general.training import NEVER, FieldReport, Prediction, _calibrated_with_rules
from extraction.validation.decision import shown_confidence


def saturated(count=200, wrong_every=7, seed=0):
    """A ranker that follows the rules is sure of everything; the rules are less sure where they are wrong."""
    rng = random.Random(seed)
    rows = []
    for document in range(count):
        ok = document % wrong_every != 0
        rules = rng.uniform(0.85, 0.99) if ok else rng.uniform(0.4, 0.7)
        rows.append(Prediction(document, 1.0, ok, True, rules))
    return rows


def test_the_rules_confidence_tells_apart_what_the_ranker_is_equally_sure_of():
    rows = saturated()
    calibrated = with_rules.out_of_fold([p.confidence for p in rows], [p.rules_confidence for p in rows],
                                        [p.ok for p in rows], [p.document % 5 for p in rows], 5)
    right = [c for c, p in zip(calibrated, rows) if p.ok]
    wrong = [c for c, p in zip(calibrated, rows) if not p.ok]
    assert max(wrong) < min(right)


def test_a_field_keeps_the_calibration_when_it_accepts_more_at_the_same_precision():
    stats = FieldReport(documents=200)
    stats.threshold = NEVER  # the ranker's confidence alone: 1.0 for all, 86% right, so nothing is accepted
    predictions = _calibrated_with_rules(stats, saturated(), folds=5, target=0.98)
    assert stats.calibration is not None and stats.threshold < NEVER
    accepted = [p for p in predictions if shown_confidence(p.confidence) >= stats.threshold]
    assert len(accepted) >= 150 and sum(p.ok for p in accepted) / len(accepted) >= 0.98
    # The calibration kept is the one extraction applies: the rules' surest values clear the threshold, their doubts do not.
    assert stats.calibration(1.0, 0.95) >= stats.threshold > stats.calibration(1.0, 0.5)


def test_a_calibration_that_accepts_no_more_is_not_kept():
    stats = FieldReport(documents=200)
    stats.threshold = 0.0  # the ranker's confidence already accepts every value
    rows = saturated()
    assert _calibrated_with_rules(stats, rows, folds=5, target=0.98) == rows
    assert stats.calibration is None and stats.threshold == 0.0


def test_too_few_or_too_clean_values_give_no_calibration():
    assert with_rules.fit([1.0] * 20, [0.9] * 20, [True] * 18 + [False] * 2) is None
    assert with_rules.fit([1.0] * 100, [0.9] * 100, [True] * 100) is None


def test_a_damaged_calibration_is_no_calibration():
    assert with_rules.AgreementCalibration.from_dict({"weights": [1.0]}) is None
    assert with_rules.AgreementCalibration.from_dict("garbage") is None
    calibration = with_rules.AgreementCalibration((0.5, 1.0), -0.2)
    assert with_rules.AgreementCalibration.from_dict(calibration.as_dict()) == calibration
