"""manage.py train_type: a specialist learned from labelled documents, promoted only when not worse,
used by extraction and named in the audit log; bad input refused before anything is written."""
import fcntl
import json
import random

import pytest
from django.core.management import CommandError, call_command

from appliance.documents.management.commands.learning_curve import Command as LearningCurve
from appliance.documents.models import DocumentType, ExampleDocument
from appliance.documents.specialists import promoted_thresholds
from audit.models import AuditEvent
from extraction.doctypes.registry import TypeRegistry
from extraction.evidence import DocText
from extraction.fields.general import SPECIALIST_UNAVAILABLE, store
from extraction.fields.general.kinds import Kind
from extraction.fields.general.matching import same_value
from extraction.fields.general.specialist import FieldRanker, Specialist
from extraction.fields.general.training import NEVER
from extraction.fields.registry import extract_fields
from extraction.pipeline import extract_and_validate
from tests.fields.general.notices import TYPE, notice, write_labelled
from tests.slm.conftest import built_models, models_dir  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
NAME = "parking_notice_t"


def _train(folder, *args):
    call_command("train_type", NAME, "--docs", str(folder / "docs"), "--gold", str(folder / "gold.jsonl"), *args)


def _new_notice(seed=99):
    text, fields = notice(random.Random(seed))
    return DocText([text]), fields


def test_a_trained_specialist_is_promoted_and_extracts_the_type(tmp_path, built_models, notice_type, capsys):
    write_labelled(tmp_path / "set", 20)
    _train(tmp_path / "set")
    out = capsys.readouterr().out
    assert "cross-validated field accuracy" in out and "promoted" in out
    # 16 documents out of fold are too few for any threshold to be believed (Laplace's rule): the output says so.
    assert out.count("no confidence held 98% precision on enough values: its values go to a person") == 3
    [version] = store.versions(NAME)
    assert version["promoted"] and version["version"] == "v1" and version["documents"] == 16
    assert version["trained_at"] and 0 <= version["cv"]["accuracy"] <= 1
    notice_type.refresh_from_db()
    assert set(notice_type.thresholds) == {"issuer", "offence_day", "charge"}  # calibrated from held-out folds
    assert ExampleDocument.objects.filter(doc_type=notice_type, source="training").count() == 20
    assert AuditEvent.objects.get(kind="specialist_trained").outcome == "promoted"

    from extraction.slm import runtime

    doc, truth = _new_notice()
    spec = notice_type.to_spec()
    fields = extract_fields(doc, spec, runtime=runtime)
    assert fields["charge"].value == truth["charge"]
    assert fields["issuer"].value == truth["issuer"]
    assert all(f.model == {"model": f"specialist:{NAME}", "version": "v1", "quantisation": "none", "device": "cpu"}
               for f in fields.values())


def test_a_version_worse_on_held_back_documents_is_rejected(tmp_path, built_models, notice_type, capsys):
    write_labelled(tmp_path / "good", 20)
    _train(tmp_path / "good")

    def wrong_in_training(index, fields, text):
        # Training documents (not every fifth, which is held back) label the parking fee as the charge.
        if index % 5 != 4:
            fields["charge"] = text.split("Parking fee paid: ")[1].split("\n")[0]
        return fields

    write_labelled(tmp_path / "bad", 20, seed=2, label=wrong_in_training)
    _train(tmp_path / "bad")
    assert "rejected" in capsys.readouterr().out
    assert store.promoted_version(NAME) == "v1"
    assert [(v["version"], v["status"]) for v in store.versions(NAME)] == [("v1", "promoted"), ("v2", "rejected")]


def test_a_first_version_worse_than_zero_shot_is_rejected(tmp_path, built_models, notice_type, capsys):
    # With no version in use, the type is extracted zero-shot: a first specialist must do as well as that.
    def wrong_in_training(index, fields, text):
        if index % 5 != 4:  # the training documents label the fee paid and the day of issue
            fields["charge"] = text.split("Parking fee paid: ")[1].split("\n")[0]
            fields["offence_day"] = text.split("Issued: ")[1].split("\n")[0]
        return fields

    write_labelled(tmp_path / "bad", 20, seed=2, label=wrong_in_training)
    _train(tmp_path / "bad")
    assert "rejected (worse than zero-shot, in use)" in capsys.readouterr().out
    assert store.promoted_version(NAME) is None
    assert [(v["version"], v["status"]) for v in store.versions(NAME)] == [("v1", "rejected")]
    event = AuditEvent.objects.get(kind="specialist_trained")
    assert event.outcome == "rejected" and event.details["previous"] == "zero-shot"
    assert event.details["previous_held_back_accuracy"] > event.details["held_back_accuracy"]


def test_the_version_is_chosen_and_promoted_under_the_types_training_lock(tmp_path, built_models, notice_type, monkeypatch):
    # A second run (train_type beside an automatic retraining) waits for the lock, so it neither takes
    # the same version number nor compares itself with a version about to be replaced.
    held = []

    def lock_is_held():
        with open(store.type_dir(NAME) / store.LOCK_FILE) as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    for name in ("next_version", "promote"):
        original = getattr(store, name)
        monkeypatch.setattr(store, name, lambda *a, _original=original, _name=name, **k: (
            held.append((_name, lock_is_held())), _original(*a, **k))[1])
    write_labelled(tmp_path / "set", 20)
    _train(tmp_path / "set")
    assert held == [("next_version", True), ("promote", True)]
    assert not lock_is_held()


def test_the_target_precision_is_the_operators_choice(tmp_path, built_models, notice_type, capsys):
    # 24 documents out of fold: no threshold holds 98% by Laplace's rule on so few, 50% is within reach.
    write_labelled(tmp_path / "set", 30)
    _train(tmp_path / "set", "--target", "0.5")
    out = capsys.readouterr().out
    assert "no confidence held" not in out
    [version] = store.versions(NAME)
    assert version["target_precision"] == 0.5
    assert min(field["threshold"] for field in version["cv"]["fields"].values()) < NEVER


@pytest.mark.parametrize("target", ["1", "0.3", "99"])
def test_a_target_precision_out_of_range_is_refused(tmp_path, notice_type, target):
    write_labelled(tmp_path / "set", 10)
    with pytest.raises(CommandError, match="--target must be"):
        _train(tmp_path / "set", "--target", target)
    assert store.versions(NAME) == []


def test_a_promoted_version_drops_the_thresholds_its_predecessor_fitted_for_fields_it_no_longer_ranks():
    outgoing = Specialist(NAME, "v1", {"charge": FieldRanker(None, {}, False), "issuer": FieldRanker(None, {}, False)})
    # v1 fitted 0.2 for the charge; an operator calibrated the offence day; v2 ranks the issuer only.
    before = {"charge": 0.2, "issuer": 0.7, "offence_day": 0.95}
    after = promoted_thresholds(before, outgoing, {"issuer": 0.8})
    assert after == {"issuer": 0.8, "offence_day": 0.95}  # the charge's falls back to the schema's
    assert promoted_thresholds(before, None, {"issuer": 0.8}) == {**before, "issuer": 0.8}


def test_too_few_examples_says_how_many_it_needs(tmp_path, built_models, notice_type):
    write_labelled(tmp_path / "few", 5)
    with pytest.raises(CommandError, match="at least 8"):
        _train(tmp_path / "few")
    assert store.versions(NAME) == []


@pytest.mark.parametrize("change, message", [
    (lambda row: {**row, "fields": {**row["fields"], "plate": "AB12"}}, "does not have: plate"),
    (lambda row: {**row, "file": "missing.txt"}, "not in"),
])
def test_a_gold_file_naming_unknown_fields_or_files_is_refused(tmp_path, notice_type, change, message):
    docs, gold = write_labelled(tmp_path / "set", 10)
    rows = [json.loads(line) for line in gold.read_text().splitlines()]
    gold.write_text("\n".join(json.dumps(change(row) if i == 3 else row) for i, row in enumerate(rows)))
    with pytest.raises(CommandError, match=message):
        call_command("train_type", NAME, "--docs", str(docs), "--gold", str(gold))
    assert store.versions(NAME) == []


def test_an_unknown_type_is_refused(tmp_path, doc_types):
    docs, gold = write_labelled(tmp_path / "set", 10)
    with pytest.raises(CommandError, match="No document type"):
        call_command("train_type", "no_such_type", "--docs", str(docs), "--gold", str(gold))


def test_a_corrupt_specialist_falls_back_to_zero_shot_and_says_so(tmp_path, built_models, notice_type):
    write_labelled(tmp_path / "set", 20)
    _train(tmp_path / "set")
    (store.type_dir(NAME) / "v1" / "rankers.joblib").write_bytes(b"not a model")
    store.promote(NAME, "v1")  # a worker notices the change and loads again
    from extraction.slm import runtime

    doc, _ = _new_notice()
    registry = TypeRegistry({NAME: notice_type.to_spec()})
    fields, validation = extract_and_validate(doc, NAME, registry, runtime=runtime)
    assert fields and all(SPECIALIST_UNAVAILABLE in f.reasons and f.model is None for f in fields.values())
    assert validation.status == "needs_review"


def test_each_field_decision_names_the_specialist_version_in_the_audit_log(tmp_path, built_models, notice_type, clerk):
    from appliance.documents import processing
    from appliance.documents.models import Document
    from tests.documents.test_processing import _text_extracted

    write_labelled(tmp_path / "set", 20)
    _train(tmp_path / "set")
    text, _ = notice(random.Random(7))
    document = _text_extracted(clerk, text, "notice.txt")
    processing.redact_pii(document)
    document.doc_type = notice_type
    document.save(update_fields=["doc_type"])
    document.move_to(Document.Status.CLASSIFIED)
    processing.extract_and_validate(document)
    events = AuditEvent.objects.filter(document_id=document.pk, kind="field_extracted")
    assert events.count() == 3
    assert {(e.system["model"], e.system["version"]) for e in events} == {(f"specialist:{NAME}", "v1")}


def test_the_model_registry_lists_each_version(tmp_path, built_models, notice_type, capsys):
    write_labelled(tmp_path / "set", 20)
    _train(tmp_path / "set")
    capsys.readouterr()
    call_command("models", "--no-test")
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if NAME in line)
    assert "v1" in line and "promoted" in line and "16 documents" in line and "(in use)" in line
    assert "thresholds for 98% precision" in line


def test_the_learning_curve_measures_each_size_on_documents_it_never_trained_on(tmp_path, built_models, notice_type, capsys):
    docs, gold = write_labelled(tmp_path / "set", 30)
    call_command("learning_curve", NAME, "--docs", str(docs), "--gold", str(gold), "--sizes", "0,8,20", "--test", "10")
    lines = capsys.readouterr().out.splitlines()
    assert "measured on 10 documents not used in training" in lines[0]
    rows = {int(line.split()[0]): [float(x) if x != "-" else None for x in line.split()[1:]] for line in lines[2:]}
    assert set(rows) == {0, 8, 20}
    for accuracy, automation, precision, training_seconds, seconds_per_document, in_text in rows.values():
        assert 0 <= automation <= accuracy <= 1 or precision is not None and precision < 1
        assert training_seconds >= 0 and seconds_per_document > 0
        assert accuracy <= in_text == 1.0  # every label of these notices is printed in them
    assert rows[20][0] >= rows[0][0]  # examples help
    assert rows[0][1] == 0.0 and rows[0][3] < 1  # zero-shot values all go to a person; nothing to train
    assert store.versions(NAME) == []  # nothing is stored


def test_the_learning_curve_may_say_how_each_field_does(tmp_path, built_models, notice_type, capsys):
    docs, gold = write_labelled(tmp_path / "set", 20)
    call_command("learning_curve", NAME, "--docs", str(docs), "--gold", str(gold), "--sizes", "0,8", "--test", "8",
                 "--per-field")
    lines = capsys.readouterr().out.splitlines()
    first_words = [line.split()[0] for line in lines[2:]]
    assert first_words[0] == "0" and first_words[4] == "8"  # each size, then its fields (in the schema's stored order)
    assert sorted(first_words[1:4]) == sorted(first_words[5:]) == ["charge", "issuer", "offence_day"]
    charge = next(line for line in lines if line.split()[0] == "charge")
    assert "(8 values, 1.000 in the text)" in charge and float(charge.split()[1]) <= 1


@pytest.mark.parametrize("sizes, extra, message", [("0,abc", [], "numbers"), ("0,3", [], "at least 8"),
                                                   ("0,40", [], "none to measure"),
                                                   ("0,20", ["--held-out", "spread", "--test", "11"], "need 31")])
def test_the_learning_curve_refuses_sizes_it_cannot_measure(tmp_path, built_models, notice_type, sizes, extra, message):
    docs, gold = write_labelled(tmp_path / "set", 30)
    with pytest.raises(CommandError, match=message):
        call_command("learning_curve", NAME, "--docs", str(docs), "--gold", str(gold), "--sizes", sizes, *extra)


def test_a_spread_learning_curve_measures_documents_from_across_the_set_and_trains_on_the_others():
    documents = list(range(100))
    pool, measured = LearningCurve._split(documents, 60, 20, "spread")
    assert len(measured) == 20 and not set(pool) & set(measured) and set(pool) | set(measured) == set(documents)
    assert min(measured) < 10 and max(measured) >= 90  # from the first senders to the last
    assert pool[:10] != sorted(pool[:10])  # the smallest sizes are no single run of the set
    assert LearningCurve._split(documents, 60, 20, "spread") == (pool, measured)  # the same split every run
    assert LearningCurve._split(documents, 60, 20, "last") == (documents[:60], documents[60:])


def test_a_ranker_that_fails_on_a_document_falls_back_to_zero_shot(tmp_path, built_models, notice_type):
    from extraction.fields import general
    from extraction.slm import runtime

    write_labelled(tmp_path / "set", 20)
    _train(tmp_path / "set")
    specialist = store.load_promoted(NAME)
    del specialist.ranker("charge").examples  # an artefact pickled by other code: loads, then fails
    doc, truth = _new_notice()
    fields = general.extract(doc, notice_type.to_spec(), runtime=runtime, specialist=specialist)
    assert fields["charge"].value == truth["charge"] and SPECIALIST_UNAVAILABLE in fields["charge"].notes
    assert fields["charge"].model is None


def test_a_labelled_file_that_cannot_be_read_is_named_not_dropped_silently(tmp_path, built_models, notice_type, capsys):
    docs, gold = write_labelled(tmp_path / "set", 20)
    (docs / "notice-1-003.txt").write_bytes(b"")  # an empty file: no text to learn from
    _train(tmp_path / "set")
    captured = capsys.readouterr()
    assert "1 labelled file(s) could not be read and are left out: notice-1-003.txt (unsupported_type)" in captured.err
    assert "promoted" in captured.out


def test_a_field_whose_kind_changed_since_training_falls_back_to_zero_shot(tmp_path, built_models, notice_type):
    from extraction.fields import general
    from extraction.slm import runtime

    write_labelled(tmp_path / "set", 20)
    _train(tmp_path / "set")
    specialist = store.load_promoted(NAME)
    doc, truth = _new_notice()
    # The admin edits the schema after training: the day of the offence is now an amount.
    edited = notice_type.to_spec()
    edited.schema["properties"]["offence_day"] = {"type": "string", "x-validators": ["amount"],
                                                  "description": "The day the offence was seen."}
    fields = general.extract(doc, edited, runtime=runtime, specialist=specialist)
    assert SPECIALIST_UNAVAILABLE in fields["offence_day"].notes and fields["offence_day"].model is None
    assert fields["charge"].value == truth["charge"] and fields["charge"].model == specialist.system  # its kind stands


def test_a_field_whose_labels_show_another_kind_is_trained_and_read_as_that_kind(tmp_path, built_models, doc_types,
                                                                                  capsys):
    """An admin describes the offence day in words that do not say "date": train_type reads dates in its labels,
    says so, and the promoted specialist extracts the day as a date."""
    definition = json.loads(json.dumps(TYPE))
    definition[NAME]["schema"]["properties"]["offence_day"] = {"type": "string", "description": "Offence."}
    (tmp_path / "types.json").write_text(json.dumps(definition))
    call_command("import_type", str(tmp_path / "types.json"))
    write_labelled(tmp_path / "set", 20)
    _train(tmp_path / "set")
    out = capsys.readouterr().out
    assert "offence_day: text" in out  # import_type: what the description reads as
    assert "(a date field, as its labels show; its description read otherwise)" in out
    [version] = store.versions(NAME)
    assert version["promoted"] and version["kinds"]["offence_day"] == "date"

    from extraction.slm import runtime

    doc, truth = _new_notice()
    fields = extract_fields(doc, DocumentType.objects.get(name=NAME).to_spec(), runtime=runtime)
    assert same_value(Kind.DATE, truth["offence_day"], fields["offence_day"].value)
