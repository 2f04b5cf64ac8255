"""Thresholds from out-of-fold predictions: believed only when enough values stand behind them."""
from extraction.fields.general.training import NEVER, _threshold


def test_a_short_clean_record_accepts_nothing():
    assert _threshold([(0.9 + i / 1000, True) for i in range(10)], 0.98) == NEVER


def test_the_threshold_keeps_the_confident_values_that_were_all_right():
    confident = [(0.99 - i / 10000, True) for i in range(60)]
    doubtful = [(0.5, False), (0.45, True), (0.4, False)]
    threshold = _threshold(confident + doubtful, 0.98)
    assert 0.5 < threshold <= min(c for c, _ in confident)


def test_equal_confidences_are_accepted_together_or_not_at_all():
    tied = [(0.95, True)] * 60 + [(0.95, False)] * 3
    assert _threshold(tied, 0.98) == NEVER

