"""Training a specialist: thresholds from out-of-fold predictions, believed only when enough values stand
behind them; a field whose ranker does worse out of fold than zero-shot keeps zero-shot."""
import random

from extraction.doctypes.registry import types_from_json
from extraction.evidence import DocText
from extraction.fields.general.training import NEVER, Labelled, _threshold, train
from extraction.fields.registry import extract_with
from tests.fields.general.notices import TYPE, notice
from tests.slm.conftest import built_models, models_dir  # noqa: F401  (fixtures)

NAME = "parking_notice_t"


def test_a_short_clean_record_accepts_nothing():
    assert _threshold([(0.9 + i / 1000, True) for i in range(10)], 0.98) == NEVER


def test_a_threshold_reads_confidences_as_the_stage_compares_them():
    # An error at 0.99996 is a 1.0 to the stage: a threshold of 1.0 would accept it with the 60 right ones.
    assert _threshold([(1.0, True)] * 60 + [(0.99996, False)], 0.98) == NEVER
    assert _threshold([(1.0, True)] * 60 + [(0.9999, False)], 0.98) == 1.0


def test_the_threshold_keeps_the_confident_values_that_were_all_right():
    confident = [(0.99 - i / 10000, True) for i in range(60)]
    doubtful = [(0.5, False), (0.45, True), (0.4, False)]
    threshold = _threshold(confident + doubtful, 0.98)
    assert 0.5 < threshold <= min(c for c, _ in confident)


def test_equal_confidences_are_accepted_together_or_not_at_all():
    tied = [(0.95, True)] * 60 + [(0.95, False)] * 3
    assert _threshold(tied, 0.98) == NEVER



def test_a_field_its_ranker_reads_worse_than_zero_shot_keeps_zero_shot(built_models):
    from extraction.slm import runtime

    spec = types_from_json(TYPE)[NAME]
    documents = []
    for index in range(10):
        text, fields = notice(random.Random(index))
        if index != 3:  # the charge is labelled once: no fold without that document has one to learn from
            del fields["charge"]
        documents.append(Labelled(f"n{index}", DocText([text]), fields))
    specialist, report = train(spec, documents, runtime, version="t")
    charge = report.fields["charge"]
    assert charge.ranked_by == "zero-shot" and charge.documents == 1
    assert charge.correct == charge.fallback_correct == 1  # what the field reads: zero-shot's right value
    assert specialist.ranker("charge") is None and "charge" not in report.thresholds()
    assert report.fields["issuer"].ranked_by == "specialist" and specialist.ranker("issuer") is not None

    new, truth = notice(random.Random(50))
    extracted = extract_with(DocText([new]), spec, runtime, specialist)
    assert extracted["charge"].value == truth["charge"] and extracted["charge"].model is None  # zero-shot's
    assert extracted["issuer"].model["model"] == f"specialist:{NAME}"
