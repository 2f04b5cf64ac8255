"""Training a specialist: thresholds from out-of-fold predictions, believed only when enough values stand
behind them; a field whose ranker does worse out of fold than zero-shot keeps zero-shot."""
import dataclasses
import random

from extraction.doctypes.registry import types_from_json
from extraction.evidence import DocText
from extraction.fields.general.training import NEVER, Labelled, _threshold, measure, train
from extraction.fields.normalize import normalize_amount
from extraction.fields.registry import extract_with
from extraction.validation.decision import METHODS_DISAGREE, FieldStatus, shown_confidence
from extraction.validation.validate import validate_document
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


def _discount(text):
    return next(line for line in text.splitlines() if line.startswith("Discount")).split(": ")[1]


def _trained_on_discounts():
    """A specialist for notices labelled with the discount rather than the penalty charge the description asks for:
    it learns the discount, and zero-shot keeps reading the penalty."""
    from extraction.slm import runtime

    spec = types_from_json(TYPE)[NAME]
    documents = []
    for index in range(50):  # enough for a clean record to pass for 98% (Laplace's rule)
        text, fields = notice(random.Random(index))
        documents.append(Labelled(f"n{index}", DocText([text]), {**fields, "charge": _discount(text)}))
    return spec, *train(spec, documents, runtime, version="t")


def test_values_zero_shot_does_not_give_are_held_to_their_own_out_of_fold_record(built_models):
    from extraction.slm import runtime

    spec, specialist, report = _trained_on_discounts()
    charge = report.fields["charge"]
    # Out of fold the specialist departed from zero-shot on every notice and was right each time: that record earns
    # its own threshold, and the values are accepted.
    assert charge.correct == 50 and charge.departing_threshold < NEVER and charge.accepted == 50
    assert specialist.departing_threshold("charge") == shown_confidence(charge.departing_threshold)

    text, truth = notice(random.Random(99))
    assert extract_with(DocText([text]), spec, runtime, None)["charge"].value == truth["charge"]  # zero-shot's
    trained = dataclasses.replace(spec, thresholds={**spec.thresholds, **report.thresholds()})
    extracted = extract_with(DocText([text]), trained, runtime, specialist)
    validate_document(trained, extracted)
    assert extracted["charge"].value == normalize_amount(_discount(text))
    assert extracted["charge"].status == FieldStatus.ACCEPTED


def test_without_a_record_of_departures_a_value_zero_shot_does_not_give_goes_to_a_person(built_models):
    from extraction.slm import runtime

    spec, specialist, report = _trained_on_discounts()
    specialist.meta["departing_thresholds"] = {}  # as if none had been earned (or an artefact from before them)
    text, _ = notice(random.Random(99))
    trained = dataclasses.replace(spec, thresholds={**spec.thresholds, "charge": 0.0})  # even at any confidence
    extracted = extract_with(DocText([text]), trained, runtime, specialist)
    validate_document(trained, extracted)
    assert extracted["charge"].value == normalize_amount(_discount(text))
    assert METHODS_DISAGREE in extracted["charge"].reasons
    assert extracted["charge"].status == FieldStatus.NEEDS_REVIEW


def test_a_list_is_not_held_against_zero_shots_reading(built_models):
    # A list is rarely exactly zero-shot's (a party more or less): comparing them says little, and reading the document
    # again for it cost most. Here the list's labels are the discounts, where zero-shot reads the penalty charges.
    from extraction.slm import runtime

    listing = {"type": "array", "items": {"type": "string", "x-validators": ["amount"]},
               "description": "The penalty charges to pay."}
    definition = {NAME: {**TYPE[NAME], "schema": {"type": "object", "properties": {
        **TYPE[NAME]["schema"]["properties"], "charge": listing}}}}
    spec = types_from_json(definition)[NAME]
    documents = []
    for index in range(50):
        text, fields = notice(random.Random(index))
        documents.append(Labelled(f"n{index}", DocText([text]), {**fields, "charge": [_discount(text)]}))
    specialist, report = train(spec, documents, runtime, version="t")
    assert report.fields["charge"].departing_threshold == NEVER  # no value of the list counted as a departure
    specialist.meta["departing_thresholds"] = {}  # none earned: a single value departing would go to a person

    text, truth = notice(random.Random(99))
    assert extract_with(DocText([text]), spec, runtime, None)["charge"].value == [truth["charge"]]  # zero-shot's
    trained = dataclasses.replace(spec, thresholds={**spec.thresholds, "charge": 0.0})
    extracted = extract_with(DocText([text]), trained, runtime, specialist)
    validate_document(trained, extracted)
    assert extracted["charge"].value == [normalize_amount(_discount(text))]
    assert METHODS_DISAGREE not in extracted["charge"].reasons
    assert extracted["charge"].status == FieldStatus.ACCEPTED


def test_measuring_counts_the_labelled_values_no_candidate_of_the_text_holds(built_models):
    """A label typed otherwise than the text prints it (a scan's misread letter) is out of any ranker's reach:
    the measurement says how many labelled values the text holds, beside how many were read right."""
    from extraction.slm import runtime

    spec = types_from_json(TYPE)[NAME]
    documents = []
    for index in range(4):
        text, fields = notice(random.Random(index))
        if index == 0:
            fields["issuer"] = fields["issuer"].replace("a", "o")  # no such name in the text
        documents.append(Labelled(f"n{index}", DocText([text]), fields))
    figures = measure(spec, documents, runtime, in_text=True)
    issuer, charge = figures["fields"]["issuer"], figures["fields"]["charge"]
    assert issuer["in_text"] == 0.75 and issuer["accuracy"] <= 0.75
    assert charge["in_text"] == 1.0 and charge["counts"].in_text == 4
    assert figures["in_text"] == 11 / 12
