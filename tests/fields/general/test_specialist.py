"""A field ranker keeps the prior features it was trained with, so new priors leave trained specialists usable."""
import pickle

import numpy as np
import pytest

from extraction.fields.general import specialist
from extraction.fields.general.candidates import Proposal
from extraction.fields.general.features import PRIOR_NAMES, PRIOR_NAMES_V3, PRIOR_NAMES_V7, PRIOR_NAMES_V8, CandidateTable
from extraction.fields.general.kinds import Kind
from extraction.fields.general.specialist import FieldRanker, _shared_among_places


def _table(seed):
    rng = np.random.default_rng(seed)
    proposals = [Proposal(f"{i}.00", f"{i}.00", i * 10, i * 10 + 4, "pattern") for i in range(4)]
    rows = [{"top": float(i == 0), "letters": 0.0, "arithmetic": float(i == 0)} for i in range(4)]
    return CandidateTable(Kind.AMOUNT, proposals, rows, rng.random(4).astype(np.float32),
                          context_vectors=rng.random((4, 8)).astype(np.float32))


def test_a_new_ranker_reads_every_prior():
    tables = [_table(seed) for seed in range(6)]
    ranker = FieldRanker.fit(tables, [np.array([1, 0, 0, 0])] * 6, is_list=False)
    assert ranker.prior_names == PRIOR_NAMES
    assert ranker._features(tables[0]).shape[1] > len(PRIOR_NAMES)
    scores, _ = ranker.rank(tables[0])
    assert int(np.argmax(scores)) == 0


def test_a_ranker_saved_before_the_new_priors_reads_the_ones_it_was_trained_with(monkeypatch):
    monkeypatch.setattr(specialist, "PRIOR_NAMES", PRIOR_NAMES_V3)  # trained by the code before them
    tables = [_table(seed) for seed in range(6)]
    old = FieldRanker.fit(tables, [np.array([1, 0, 0, 0])] * 6, is_list=False)
    del old.__dict__["prior_names"]  # as pickled then: the attribute did not exist
    loaded = pickle.loads(pickle.dumps(old))
    assert loaded.prior_names == PRIOR_NAMES_V3
    scores, _ = loaded.rank(tables[0])  # the feature vector has the width the model was fitted on
    assert int(np.argmax(scores)) == 0


def _table_zero_shot_knows(seed):
    """A table where only zero-shot's score tells the right candidate (the first) apart."""
    rng = np.random.default_rng(seed)
    proposals = [Proposal(f"{i}.00", f"{i}.00", i * 10, i * 10 + 4, "pattern") for i in range(5)]
    table = CandidateTable(Kind.AMOUNT, proposals, [{} for _ in range(5)], rng.random(5).astype(np.float32),
                           context_vectors=rng.random((5, 8)).astype(np.float32))
    table.zero_shot = np.concatenate([[2.0], rng.random(4)]).astype(np.float32)
    return table


def test_the_matrix_says_how_far_below_zero_shots_best_each_candidate_scores():
    table = _table_zero_shot_knows(0)
    matrix = table.matrix(("zero_shot_margin", "zero_shot_best"))[:, :3]  # similarity, then the two
    assert matrix[0, 1:].tolist() == [0.0, 1.0]
    assert (matrix[1:, 1] < -1.0).all() and (matrix[1:, 2] == 0.0).all()


def test_with_few_examples_a_ranker_learns_to_follow_zero_shot():
    tables = [_table_zero_shot_knows(seed) for seed in range(8)]
    ranker = FieldRanker.fit(tables, [np.array([1, 0, 0, 0, 0])] * 8, is_list=False)
    for seed in range(100, 110):
        scores, _ = ranker.rank(_table_zero_shot_knows(seed))
        assert int(np.argmax(scores)) == 0


def _table_zero_shots_answer_knows(seed):
    """A table where zero-shot's own answer is the right candidate (the first), and its ranking in the specialist's
    view of the context is another (a line above a block read otherwise)."""
    table = _table_zero_shot_knows(seed)
    table.zero_shot_answer = table.zero_shot.copy()
    table.zero_shot = np.roll(table.zero_shot, 1)
    return table


def test_the_matrix_reads_zero_shots_answer_beside_its_ranking_in_the_view():
    table = _table_zero_shots_answer_knows(0)
    names = ("zero_shot_margin", "zero_shot_best", "zero_shot_answer_margin", "zero_shot_answer_best")
    matrix = table.matrix(names)[:, 1:5]
    assert matrix[1, :2].tolist() == [0.0, 1.0]  # the view's best
    assert matrix[0, 2:].tolist() == [0.0, 1.0] and matrix[1, 3] == 0.0  # zero-shot's answer
    table.zero_shot_answer = None  # zero-shot's own table: its ranking is its answer
    assert table.matrix(names)[:, 3:5].tolist() == table.matrix(names)[:, 1:3].tolist()


def test_a_new_ranker_follows_zero_shots_answer_and_an_older_one_the_view_it_was_trained_on(monkeypatch):
    tables = [_table_zero_shots_answer_knows(seed) for seed in range(8)]
    ranker = FieldRanker.fit(tables, [np.array([1, 0, 0, 0, 0])] * 8, is_list=False)
    assert "zero_shot_best" not in ranker.prior_names and "zero_shot_answer_best" in ranker.prior_names
    for seed in range(100, 110):
        scores, _ = ranker.rank(_table_zero_shots_answer_knows(seed))
        assert int(np.argmax(scores)) == 0
    monkeypatch.setattr(specialist, "PRIOR_NAMES", PRIOR_NAMES_V7)  # trained by the code before the answer was read
    old = FieldRanker.fit([_table_zero_shot_knows(seed) for seed in range(8)], [np.array([1, 0, 0, 0, 0])] * 8,
                          is_list=False)
    loaded = pickle.loads(pickle.dumps(old))
    assert loaded.prior_names == PRIOR_NAMES_V7
    scores, _ = loaded.rank(_table_zero_shots_answer_knows(100))
    assert int(np.argmax(scores)) == 1  # the view's best, as it learned to read


def _name_table(seed):
    """A shop's name whole (the first candidate) and its tail (the second), alike but for whether it cuts the name."""
    rng = np.random.default_rng(seed)
    proposals = [Proposal(f"Shop {seed}-{i}", f"Shop {seed}-{i}", i * 20, i * 20 + 10, "line") for i in range(4)]
    rows = [{"top": 1.0, "letters": 1.0, "cuts_a_name": float(i == 1)} for i in range(4)]
    table = CandidateTable(Kind.TEXT, proposals, rows, rng.normal(0, 0.01, 4).astype(np.float32))
    table.zero_shot = np.array([0.5, 0.5, 0.1, 0.1])
    return table


def test_a_new_ranker_reads_where_a_candidate_cuts_a_name_and_an_older_one_does_not(monkeypatch):
    labels = [np.array([1, 0, 0, 0])] * 8
    ranker = FieldRanker.fit([_name_table(seed) for seed in range(8)], labels, is_list=False)
    assert "cuts_a_name" in ranker.prior_names
    for seed in range(100, 110):
        scores, _ = ranker.rank(_name_table(seed))
        assert scores[0] > scores[1]
    monkeypatch.setattr(specialist, "PRIOR_NAMES", PRIOR_NAMES_V8)  # trained by the code before it read the cut
    old = pickle.loads(pickle.dumps(FieldRanker.fit([_name_table(seed) for seed in range(8)], labels, is_list=False)))
    assert old.prior_names == PRIOR_NAMES_V8
    assert old.rank(_name_table(100))[0].shape == (4,)  # it reads the table as it was trained to


def _party_table(seed, extra_looks_right):
    """Names where the first two are the parties; the third reads like one only when ``extra_looks_right``."""
    rng = np.random.default_rng(seed)
    proposals = [Proposal(f"Party {seed}-{i}", f"Party {seed}-{i}", i * 20, i * 20 + 10, "legal_name") for i in range(8)]
    looks = [1.0, 1.0, float(extra_looks_right)] + [0.0] * 5
    rows = [{"top": looks[i], "letters": 1.0} for i in range(8)]
    return CandidateTable(Kind.TEXT, proposals, rows, rng.random(8).astype(np.float32),
                          context_vectors=rng.random((8, 8)).astype(np.float32))


def _party_ranker():
    tables = [_party_table(seed, extra_looks_right=False) for seed in range(12)]
    return FieldRanker.fit(tables, [np.array([1, 1, 0, 0, 0, 0, 0, 0])] * 12, is_list=True)


def test_a_list_is_as_sure_as_its_least_sure_part_not_its_best_item():
    ranker = _party_ranker()
    clean = _party_table(100, extra_looks_right=False)
    doubtful = _party_table(101, extra_looks_right=True)  # a third name that looks like a party
    clean_confidence = ranker.list_confidence(clean, ranker.rank(clean)[1])
    _, confidences = ranker.rank(doubtful)
    doubtful_confidence = ranker.list_confidence(doubtful, confidences)
    assert confidences[:2].min() >= 0.5  # both parties are read in either case
    assert doubtful_confidence < clean_confidence
    assert doubtful_confidence < confidences.max()  # the best item's confidence would hide the doubt


def test_a_list_confidence_counts_the_balanced_training_back_to_the_real_odds():
    ranker = _party_ranker()
    assert ranker.prior_logit == np.log(2 / 6)  # 2 parties of 8 names in each training document
    table = _party_table(100, extra_looks_right=False)
    _, confidences = ranker.rank(table)
    real_odds = ranker.list_confidence(table, confidences)
    old = pickle.loads(pickle.dumps(ranker))
    del old.__dict__["prior_logit"]  # as pickled before it had one: it loads, with balanced odds
    old = pickle.loads(pickle.dumps(old))
    assert old.prior_logit == 0.0
    # At balanced odds every left-out name looks likelier to be a party than it is: the list less sure.
    assert 0.0 < old.list_confidence(table, confidences) < real_odds


def _delivery_note(seed, totals_equal):
    """Amounts of a note: three items, a section's total (3) and the grand total (4), equal on most notes."""
    rng = np.random.default_rng(seed)
    values = ["1.00", "2.00", "3.00", "6.00", "6.00" if totals_equal else "9.00"]
    proposals = [Proposal(v, v, i * 10, i * 10 + 4, "pattern") for i, v in enumerate(values)]
    rows = [{"arithmetic": float(i == 3), "label_before": float(i >= 3), "line": i / 4} for i in range(5)]
    context = rng.normal(0, 0.05, (5, 8)).astype(np.float32)
    context[3, 0] += 1.0  # "TOTAL 0% SUPPLIES"
    context[4, 0] += 0.6  # "TOTAL PAYABLE", a total of its own kind
    context[4, 1] += 1.0
    return CandidateTable(Kind.AMOUNT, proposals, rows, rng.random(5).astype(np.float32), context_vectors=context)


def test_a_value_printed_twice_teaches_the_place_that_reads_like_the_field_not_both():
    # Where the section's total equals the grand total both places hold the label's value; only the notes where
    # they differ say which one the field is. Counted at both places, the section's total is learned as an answer too.
    tables = [_delivery_note(seed, totals_equal=seed % 3 != 0) for seed in range(12)]
    labels = [np.array([0, 0, 0, int(t.proposals[3].value == t.proposals[4].value), 1]) for t in tables]
    ranker = FieldRanker.fit(tables, labels, is_list=False)
    picks = [int(np.argmax(ranker.rank(_delivery_note(seed, totals_equal=False))[0])) for seed in range(100, 120)]
    assert picks == [4] * 20


def test_a_right_values_places_share_one_weight_by_how_well_each_reads():
    table = _delivery_note(0, totals_equal=True)
    weights = _shared_among_places(np.array([0.0, 0.0, 0.0, 1.0, 3.0]), table, np.array([0, 0, 0, 1, 1]), is_list=False)
    assert weights[:3].tolist() == [1.0, 1.0, 1.0]  # each wrong candidate counts whole
    assert weights[3] + weights[4] == pytest.approx(1.0) and weights[4] > 0.85


def test_each_value_of_a_list_shares_its_own_weight():
    proposals = [Proposal(v, v, i * 10, i * 10 + 4, "legal_name") for i, v in enumerate(["A Ltd", "A Ltd", "B Inc", "C"])]
    table = CandidateTable(Kind.TEXT, proposals, [{}] * 4, np.zeros(4, dtype=np.float32))
    weights = _shared_among_places(np.zeros(4), table, np.array([1, 1, 1, 0]), is_list=True)
    assert weights.tolist() == [0.5, 0.5, 1.0, 1.0]
