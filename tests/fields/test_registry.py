"""A shipped type with dedicated code and a trained specialist: the rules' votes are features of the
specialist, not the decision; where the two choose differently a person looks; without a usable
specialist the rules' values stand. Real encoder, real receipt rules, receipts written here."""
import dataclasses
import random

import pytest

from extraction.doctypes.registry import default_registry
from extraction.evidence import DocText
from extraction.fields.general import SPECIALIST_UNAVAILABLE, DocumentCandidates, with_rules
from extraction.fields.general.features import RULE_FEATURES
from extraction.fields.general.specialist import SpecialistError
from extraction.fields.general.training import NEVER, Labelled, train
from extraction.fields.registry import extract_with, rule_fields
from extraction.validation.decision import METHODS_DISAGREE, VALIDATOR_FAILED, FieldStatus
from extraction.validation.validate import validate_document
from tests.slm.conftest import built_models, models_dir  # noqa: F401  (fixtures)

SHOPS = ["KEDAI RUNCIT ANEKA", "PASAR MINI SEJATI", "SYARIKAT BESI MAJU", "RESTORAN NASI LEMAK", "KEDAI BUKU CERIA"]
SPEC = default_registry()["receipt"]


def receipt(rng: random.Random) -> tuple[str, dict]:
    """A receipt's text and its labels, plus the amount paid in cash (another amount the rules do not pick)."""
    shop = rng.choice(SHOPS) + " SDN BHD"
    street = f"NO. {rng.randint(1, 99)}, JALAN {rng.choice(['MAWAR', 'MELUR', 'KENANGA'])} {rng.randint(1, 9)},"
    town = f"{rng.randint(40000, 59999)} {rng.choice(['SHAH ALAM', 'KLANG'])}, SELANGOR."
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    items = [round(rng.uniform(1, 30), 2) for _ in range(rng.randint(1, 4))]
    total = sum(items)
    cash = float(int(total) + rng.choice([1, 5, 10, 20]))
    lines = [f"{shop} ({rng.randint(100000, 999999)}-A)", street, town, f"TEL: 03-{rng.randint(1000000, 9999999)}",
             "TAX INVOICE", f"DATE: {day:02d}/{month:02d}/2018",
             *[f"ITEM {i + 1} 1 X {a:.2f} {a:.2f}" for i, a in enumerate(items)],
             f"TOTAL: {total:.2f}", f"CASH {cash:.2f}", f"CHANGE {cash - total:.2f}", "THANK YOU"]
    labels = {"company": shop, "date": f"{day:02d}/{month:02d}/2018", "address": f"{street} {town}",
              "total": f"{total:.2f}", "cash": f"{cash:.2f}"}
    return "\n".join(lines) + "\n", labels


def labelled(count, seed, relabel=None):
    rng = random.Random(seed)
    documents = []
    for index in range(count):
        text, labels = receipt(rng)
        cash = labels.pop("cash")
        documents.append(Labelled(f"r{index}", DocText([text]), relabel(labels, cash) if relabel else labels))
    return documents


@pytest.fixture(scope="module")
def encoder(built_models):
    from extraction.slm import runtime

    return runtime


@pytest.fixture(scope="module")
def trained(encoder):
    """A specialist trained on enough receipts for its thresholds to be believed (with fewer, it settles nothing and
    the rules keep every field it reads no better)."""
    return train(SPEC, labelled(50, seed=1), encoder, version="v1")[0]


def test_without_a_specialist_the_rules_decide(encoder):
    [item] = labelled(1, seed=5)
    fields = extract_with(item.doc, SPEC, encoder, None)
    assert {name: result.value for name, result in fields.items()} == {
        name: result.value for name, result in rule_fields(item.doc, SPEC, encoder).items()}
    assert all(result.model is None for result in fields.values())


def test_the_rules_votes_are_features_of_every_candidate(encoder):
    [item] = labelled(1, seed=5)
    rules = rule_fields(item.doc, SPEC, encoder)
    table = DocumentCandidates(item.doc, SPEC, encoder, rules).table(SPEC.field("total"), with_values=True)
    assert table.rule_features.shape == (len(table.proposals), len(RULE_FEATURES))
    agreeing = [p.value for p, votes in zip(table.proposals, table.rule_features) if votes[0] == 1]
    assert agreeing and set(agreeing) == {rules["total"].value}
    # A type without dedicated code has no such column.
    assert DocumentCandidates(item.doc, SPEC, encoder).table(SPEC.field("total")).rule_features is None


def test_a_trained_specialist_decides_with_the_rules_as_evidence(encoder, trained):
    for item in labelled(4, seed=2):
        fields = extract_with(item.doc, SPEC, encoder, trained)
        assert fields["total"].value == item.labels["total"]
        assert fields["date"].value == f"2018-{item.labels['date'][3:5]}-{item.labels['date'][:2]}"
        assert fields["total"].method == "slm" and fields["total"].model["model"] == "specialist:receipt"
        assert METHODS_DISAGREE not in fields["total"].notes


def test_where_the_specialist_and_the_rules_disagree_a_person_looks(encoder):
    # Reviewers taught the specialist that this organisation's "total" is the amount paid in cash.
    specialist, _ = train(SPEC, labelled(16, seed=1, relabel=lambda labels, cash: {**labels, "total": cash}),
                          encoder, version="v1")
    [item] = labelled(1, seed=3)
    fields = extract_with(item.doc, SPEC, encoder, specialist)
    validate_document(SPEC, fields)
    assert fields["total"].value != rule_fields(item.doc, SPEC, encoder)["total"].value
    assert METHODS_DISAGREE in fields["total"].reasons and fields["total"].status == FieldStatus.NEEDS_REVIEW


def test_the_rules_checks_of_a_value_hold_when_the_specialist_chooses_it_too(encoder, trained):
    specialist = trained
    [item] = labelled(1, seed=3)
    # The scanner misread the legal form: "SDN BND" for "SDN BHD". The rules keep the name as printed, for a person.
    misread = DocText([item.doc.pages[0].replace("SDN BHD", "SDN BND")])
    assert not all(check.passed for check in rule_fields(misread, SPEC, encoder)["company"].validators)
    trusting = dataclasses.replace(SPEC, thresholds={**SPEC.thresholds, "company": 0.0})  # at any confidence
    fields = extract_with(misread, trusting, encoder, specialist)
    validate_document(trusting, fields)
    company = fields["company"]
    assert company.model["model"] == "specialist:receipt" and company.value.endswith("SDN BND")
    assert VALIDATOR_FAILED in company.reasons and company.status == FieldStatus.NEEDS_REVIEW


def test_a_value_the_rules_give_too_is_judged_by_both_confidences_where_training_calibrated_them(encoder, trained):
    specialist = dataclasses.replace(trained, meta=dict(trained.meta))
    [item] = labelled(1, seed=3)
    ranker_alone = extract_with(item.doc, SPEC, encoder, specialist)["total"].confidence
    rules = rule_fields(item.doc, SPEC, encoder)["total"]
    calibration = with_rules.AgreementCalibration((0.3, 1.0), -1.0)
    specialist.meta["calibrations_with_rules"] = {"total": calibration.as_dict()}
    total = extract_with(item.doc, SPEC, encoder, specialist)["total"]
    assert total.value == rules.value and total.model["model"] == "specialist:receipt"
    assert total.confidence == pytest.approx(calibration(ranker_alone, rules.confidence))
    assert total.confidence != pytest.approx(ranker_alone)


def test_a_field_the_specialist_settles_fewer_of_than_the_rules_is_left_to_the_rules(encoder):
    # Twelve receipts: no threshold of the specialist's is believed on so few, while the rules settle them at the
    # schema's thresholds: the rules keep those fields, and training fits no threshold for them.
    _, report = train(SPEC, labelled(12, seed=1), encoder, version="v1")
    total = report.fields["total"]
    assert total.ranked_by == "rules" and total.correct == total.fallback_correct == 12
    assert total.accepted == 0 and "total" not in report.thresholds()
    # With enough receipts its thresholds are believed, and it settles as many: it decides.
    _, report = train(SPEC, labelled(50, seed=1), encoder, version="v1")
    assert report.fields["total"].ranked_by == "specialist" and report.fields["total"].accepted == 50


def test_an_unusable_specialist_leaves_the_rules_values_and_says_so(encoder):
    [item] = labelled(1, seed=5)
    fields = extract_with(item.doc, SPEC, encoder, SpecialistError("corrupt"))
    rules = rule_fields(item.doc, SPEC, encoder)
    assert {name: result.value for name, result in fields.items()} == {name: r.value for name, r in rules.items()}
    assert all(SPECIALIST_UNAVAILABLE in result.notes for result in fields.values())


def test_training_fits_a_shipped_types_thresholds_on_the_values_the_rules_also_give(encoder):
    # Extraction sends a value the rules do not give to a person, so training counts no such value as accepted and
    # fits the threshold on the others: here every total is the cash paid, never the rules' total, and none passes.
    _, report = train(SPEC, labelled(50, seed=1, relabel=lambda labels, cash: {**labels, "total": cash}),
                      encoder, version="v1")
    total = report.fields["total"]
    assert total.ranked_by == "specialist" and total.correct == 50
    assert total.threshold == NEVER and total.accepted == 0
    # Where the specialist gives the rules' values, they earn a threshold and are accepted.
    _, report = train(SPEC, labelled(50, seed=1), encoder, version="v1")
    assert report.fields["total"].threshold < NEVER and report.fields["total"].accepted == 50


def test_training_leaves_out_of_a_threshold_the_values_whose_rule_checks_failed(encoder):
    # Ten receipts print a misread legal form ("SDN BND") and are labelled as the shop is really called: the value read is
    # wrong, but the rules' check sends it to a person, so it is no accepted error and does not hold the threshold back.
    documents = labelled(60, seed=1)
    for item in documents[:10]:
        item.doc = DocText([item.doc.pages[0].replace("SDN BHD", "SDN BND")])
    _, report = train(SPEC, documents, encoder, version="v1")
    company = report.fields["company"]
    assert company.correct <= 50 and company.threshold < NEVER
    assert company.accepted >= 48 and company.accepted_correct == company.accepted
