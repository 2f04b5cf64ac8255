"""A field's kind as its labels show it: training trusts the labels over a misread description, never over the
schema's own word."""
import copy
import random

from extraction.doctypes.registry import types_from_json
from extraction.evidence import DocText
from extraction.fields.general import Encoder, kind_of_field
from extraction.fields.general.kinds import Kind
from extraction.fields.general.labelled_kinds import kind_recalls, labelled_kind
from extraction.fields.general.matching import same_value
from extraction.fields.general.training import Labelled, train
from extraction.fields.registry import extract_with
from tests.fields.general.notices import TYPE, notice
from tests.slm.conftest import built_models, models_dir  # noqa: F401  (fixtures)

NAME = "parking_notice_t"


def test_a_kind_whose_candidates_reach_clearly_more_labels_replaces_the_described_one():
    assert labelled_kind(Kind.TEXT, {Kind.DATE: 0.93, Kind.TEXT: 0.28, Kind.AMOUNT: 0.0}) is Kind.DATE
    assert labelled_kind(Kind.PLACE, {Kind.PLACE: 0.0, Kind.TEXT: 0.9}) is Kind.TEXT  # "bound parties: Parties."


def test_the_described_kind_stays_unless_another_is_clearly_better():
    assert labelled_kind(Kind.DATE, {Kind.DATE: 0.8, Kind.DURATION: 0.9, Kind.TEXT: 0.9}) is Kind.DATE
    assert labelled_kind(Kind.TEXT, {Kind.IDENTIFIER: 0.55, Kind.TEXT: 0.9}) is Kind.TEXT  # free text reaches more
    # Few labels reached by any kind: nothing to go by.
    assert labelled_kind(Kind.TEXT, {Kind.IDENTIFIER: 0.4, Kind.TEXT: 0.1}) is Kind.TEXT
    assert labelled_kind(Kind.TEXT, {}) is Kind.TEXT


def test_a_typed_kind_reaching_as_many_labels_as_free_text_is_the_more_exact_reading():
    # A governing law: places reach the labels that lines and phrases do.
    assert labelled_kind(Kind.TEXT, {Kind.PLACE: 1.0, Kind.TEXT: 0.95}) is Kind.PLACE


def test_a_typed_kind_goes_before_free_text_when_both_reach_every_label():
    assert labelled_kind(Kind.DURATION, {Kind.DURATION: 0.0, Kind.DATE: 1.0, Kind.TEXT: 1.0}) is Kind.DATE


def _misdescribed_type():
    """The notices with the offence day described in words that do not say "date", and no format."""
    definition = copy.deepcopy(TYPE)
    definition[NAME]["schema"]["properties"]["offence_day"] = {"type": "string", "description": "Offence."}
    return types_from_json(definition)[NAME]


def test_training_reads_a_misread_field_as_the_kind_its_labels_show(built_models):
    from extraction.slm import runtime

    spec = _misdescribed_type()
    offence_day = next(f for f in spec.fields if f.name == "offence_day")
    assert kind_of_field(spec, offence_day, Encoder(runtime)) is not Kind.DATE  # what the description reads as
    documents = [Labelled(f"n{i}", DocText([text]), fields) for i, (text, fields) in
                 enumerate(notice(random.Random(i)) for i in range(12))]
    assert kind_recalls(documents, "offence_day")[Kind.DATE] == 1.0

    specialist, report = train(spec, documents, runtime, version="t")
    assert report.fields["offence_day"].kind == "date" and report.fields["offence_day"].kind_from_labels
    assert specialist.kinds["offence_day"] is Kind.DATE
    assert "charge" not in specialist.kinds  # its schema states an amount: never overruled

    text, truth = notice(random.Random(99))
    extracted = extract_with(DocText([text]), spec, runtime, specialist)
    assert same_value(Kind.DATE, truth["offence_day"], extracted["offence_day"].value)
    assert extracted["offence_day"].model["model"] == f"specialist:{NAME}"
    # Without the specialist the description decides, and no line of text is a date.
    zero_shot = extract_with(DocText([text]), spec, runtime, None)
    assert not same_value(Kind.DATE, truth["offence_day"], zero_shot["offence_day"].value)
