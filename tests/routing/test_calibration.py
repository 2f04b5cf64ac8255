"""Calibration from a small gold file: thresholds, curves, writing to document types, dry runs, re-deciding."""
import json

import pytest
from django.core.management import CommandError, call_command

from appliance.documents.models import DocumentType
from appliance.routing import calibration as cal
from appliance.routing.compare import match_list, same
from appliance.routing.models import CalibrationRun
from appliance.routing.reviews import units_from_reviews

SPAN = [{"page": 1, "start": 0, "end": 4}]
# receipt.total: 30 documents at confidence 0.60 .. 0.89; wrong at 0.60, 0.61, 0.62 and 0.70.
WRONG = {0.60, 0.61, 0.62, 0.70}


def _field(value, confidence, *, evidence=SPAN, validators=(), status="needs_review", reasons=("low_confidence",)):
    return {"value": value, "confidence": confidence, "status": status, "method": "rule", "evidence": list(evidence),
            "validators": [{"name": n, "passed": ok, "message": ""} for n, ok in validators], "reasons": list(reasons)}


def build_files(tmp_path):
    gold, pred = [], []
    for i in range(30):
        confidence = round(0.60 + i / 100, 2)
        name = f"r{i:02d}.txt"
        fields = {"total": _field("9.00" if confidence not in WRONG else "8.00", confidence,
                                  validators=[("amount", True)])}
        labels = {"total": "9.00"}
        if i < 5:  # too few date labels to calibrate
            fields["date"] = _field("2018-12-25", 0.95, status="accepted", reasons=())
            labels["date"] = "25/12/2018"
        gold.append({"file": name, "doc_type": "receipt", "fields": labels})
        pred.append({"file": name, "doc_type": "receipt", "status": "needs_review", "fields": fields})
    # Wrong values a threshold can never accept: a failed validator and no evidence, at top confidence.
    for i, extra in enumerate([dict(validators=[("amount", False)]), dict(evidence=[])]):
        name = f"x{i}.txt"
        gold.append({"file": name, "doc_type": "receipt", "fields": {"total": "5.00"}})
        pred.append({"file": name, "doc_type": "receipt", "status": "needs_review",
                     "fields": {"total": _field("7.00", 0.99, **extra)}})
    # A gold value with no prediction at all counts against automation only.
    gold.append({"file": "missing.txt", "doc_type": "receipt", "fields": {"total": "1.00"}})
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold_path.write_text("".join(json.dumps(r) + "\n" for r in gold))
    pred_path.write_text("".join(json.dumps(r) + "\n" for r in pred))
    return gold_path, pred_path


def test_comparison_follows_the_scorer_rules():
    assert same("date", "25/12/2018", "2018-12-25")
    assert same("date", "Dec 25, 2018", "2018-12-25")
    assert same("effective_date", "20181225", "2018-12-25")
    assert same("total", "1,234.50", "1234.5")
    assert same("amount", "12,50", "12.50")
    assert same("term", "2 Years", "2 years") and not same("term", "2 years", "24 months")
    assert same("company", "BOOK TA .K (TAMAN DAYA) SDN BHD", "book ta k taman daya sdn bhd")
    assert not same("total", "9.00", "")
    assert not same("date", "not a date", "not a date")
    assert match_list("party", ["Acme Inc.", "Beta LLC"], ["ACME INC", "Gamma"]) == (1, 1)


def test_thresholds_are_the_lowest_reaching_the_target(tmp_path):
    gold, pred = build_files(tmp_path)
    units = cal.units_from_files(cal.read_jsonl(gold), cal.read_jsonl(pred))
    result = cal.calibrate(units, target=0.99, min_samples=20, current=lambda t, f: 0.9)
    total = next(f for f in result.fields if f.field == "total")
    assert total.status == "calibrated"
    assert total.threshold == pytest.approx(0.71)
    assert total.accepted == 19 and total.correct == 19
    assert total.gold == 33  # 30 + two blocked + one missing
    assert total.samples == 30  # the blocked ones are not samples
    assert total.automation == pytest.approx(19 / 33, abs=1e-6)
    date = next(f for f in result.fields if f.field == "date")
    assert date.status == "too_few_samples" and date.threshold is None and date.previous == 0.9
    assert result.thresholds == {"receipt": {"total": pytest.approx(0.71)}}
    # A looser target accepts more: 0.62 -> 28 accepted, 2 wrong (0.929 >= 0.9); 0.61 would be 0.897.
    loose = cal.calibrate(units, target=0.9, min_samples=20)
    assert loose.thresholds["receipt"]["total"] == pytest.approx(0.62)
    # Overall curve: one point per swept target, automation falling as the target rises.
    curve = result.overall_curve
    assert [p["target"] for p in curve] == list(cal.OVERALL_TARGETS)
    assert curve[0]["automation"] >= curve[-1]["automation"]


def test_calibration_sweeps_confidences_as_the_decision_compares_them():
    # 0.99997 is a 1.0 to the validation stage: no threshold can accept the 30 right values without the wrong one.
    units = [cal.Unit("receipt", "total", 1.0, True, 1, 1, 1) for _ in range(30)]
    units.append(cal.Unit("receipt", "total", 0.99997, True, 1, 1, 0))
    result = cal.calibrate(units, target=0.99, min_samples=20)
    total = next(f for f in result.fields if f.field == "total")
    assert total.status == "unreachable"
    assert [(p["threshold"], p["accepted"], p["correct"]) for p in total.curve] == [(1.0, 31, 30)]


def test_unreachable_target_sends_every_value_to_people(tmp_path):
    units = [cal.Unit("receipt", "company", 0.9, True, 1, 1, i % 2) for i in range(30)]
    result = cal.calibrate(units, target=0.99, min_samples=20)
    assert result.fields[0].status == "unreachable"
    assert result.thresholds == {"receipt": {"company": cal.NEVER}}
    assert result.overall["accepted"] == 0


def test_command_stores_the_run_and_writes_thresholds(db, tmp_path):
    gold, pred = build_files(tmp_path)
    receipt = DocumentType.objects.get(name="receipt")
    receipt.thresholds = {"company": 0.5}
    receipt.save()
    call_command("calibrate", gold=str(gold), pred=str(pred))
    run = CalibrationRun.objects.get()
    assert run.source == "gold" and run.applied and run.target == 0.99
    assert run.thresholds == {"receipt": {"total": pytest.approx(0.71)}}
    assert run.curves["fields"]["receipt.total"][0]["threshold"] == pytest.approx(0.89)
    assert run.curves["overall"]
    assert run.overall["automation"] > 0
    assert {f["field"]: f["status"] for f in run.fields} == {"date": "too_few_samples", "total": "calibrated"}
    receipt.refresh_from_db()
    assert receipt.thresholds == {"company": 0.5, "total": pytest.approx(0.71)}
    assert receipt.to_spec().field("total").threshold == pytest.approx(0.71)


def test_dry_run_writes_nothing_and_apply_to_redecides(db, tmp_path, capsys):
    gold, pred = build_files(tmp_path)
    out = tmp_path / "new.jsonl"
    call_command("calibrate", gold=str(gold), pred=str(pred), dry_run=True, apply_to=str(pred), out=str(out))
    assert not CalibrationRun.objects.exists()
    assert DocumentType.objects.get(name="receipt").thresholds == {}
    printed = capsys.readouterr().out
    assert "receipt.total" in printed and "too_few_samples" in printed and "overall" in printed
    records = {r["file"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert records["r29.txt"]["fields"]["total"]["status"] == "accepted"  # 0.89 >= 0.71
    assert records["r29.txt"]["fields"]["total"]["reasons"] == []
    assert records["r10.txt"]["fields"]["total"]["status"] == "needs_review"  # 0.70 < 0.71
    assert records["r10.txt"]["fields"]["total"]["reasons"] == ["low_confidence"]
    assert records["x0.txt"]["fields"]["total"]["status"] == "needs_review"
    assert records["x0.txt"]["fields"]["total"]["reasons"] == ["validator_failed"]
    assert records["x1.txt"]["fields"]["total"]["reasons"] == ["no_evidence"]
    # Fields that were not calibrated keep their decision.
    assert records["r00.txt"]["fields"]["date"]["status"] == "accepted"


def test_command_refuses_bad_arguments(db, tmp_path):
    gold, pred = build_files(tmp_path)
    with pytest.raises(CommandError):
        call_command("calibrate", gold=str(gold))
    with pytest.raises(CommandError):
        call_command("calibrate", gold=str(gold), pred=str(pred), apply_to=str(pred))
    with pytest.raises(CommandError):
        call_command("calibrate", gold=str(gold), pred=str(pred), target=1.5)


def test_units_from_reviews(make_document, user_of):
    """The latest reviewer decision per field labels it; blocked values are not samples."""
    from appliance.review.models import FieldCorrection

    reviewer = user_of("reviewer")
    rows = [("accepted", "9.00", "9.00", 0.5, []), ("corrected", "8.00", "9.00", 0.6, ["low_confidence"]),
            ("rejected", "7.00", None, 0.7, []), ("accepted", "9.00", "9.00", 0.8, ["validator_failed"])]
    for action, before, after, confidence, reasons in rows:
        doc = make_document()
        FieldCorrection.objects.create(document=doc, field_name="total", doc_type="receipt", action=action,
                                       before=before, after=after, confidence=confidence, method="rule",
                                       reasons=reasons, reviewer=reviewer)
    # A later decision on the same field replaces the earlier one.
    FieldCorrection.objects.create(document=doc, field_name="total", doc_type="receipt", action="corrected",
                                   before="9.00", after="9.00", confidence=0.8, method="rule",
                                   reasons=["low_confidence"], reviewer=reviewer)
    units = sorted(units_from_reviews(), key=lambda u: u.confidence)
    assert [(u.doc_type, u.field, u.confidence, u.eligible, u.correct) for u in units] == [
        ("receipt", "total", 0.5, True, 1), ("receipt", "total", 0.6, True, 0),
        ("receipt", "total", 0.7, True, 0), ("receipt", "total", 0.8, True, 1),
    ]


def test_command_calibrates_from_reviews(db, monkeypatch):
    from appliance.routing import reviews

    units = [cal.Unit("receipt", "date", 0.5 + i / 100, True, 1, 1, int(i >= 5)) for i in range(40)]
    monkeypatch.setattr(reviews, "units_from_reviews", lambda: units)
    call_command("calibrate")
    run = CalibrationRun.objects.get()
    assert run.source == "reviewed"
    assert run.thresholds == {"receipt": {"date": pytest.approx(0.55)}}
    assert DocumentType.objects.get(name="receipt").thresholds == {"date": pytest.approx(0.55)}


def test_overall_objective_trades_precision_between_fields():
    clean = [cal.Unit("receipt", "date", 0.5, True, 1, 1, 1) for _ in range(100)]
    # 100 values at 0.01 .. 1.00, wrong at 0.20, 0.40, 0.60, 0.80 and 1.00.
    noisy = [cal.Unit("receipt", "total", round(i / 100, 2), True, 1, 1, int(i % 20 != 0)) for i in range(1, 101)]
    per_field = cal.calibrate(clean + noisy, target=0.99, min_samples=20)
    assert per_field.thresholds == {"receipt": {"date": 0.5, "total": cal.NEVER}}
    assert per_field.overall["automation"] == 0.5
    overall = cal.calibrate(clean + noisy, target=0.99, min_samples=20, objective="overall")
    # 0.81 .. 1.00 accepts 20 values with one error: 119 of 120 right overall.
    assert overall.thresholds == {"receipt": {"date": 0.5, "total": pytest.approx(0.81)}}
    assert overall.overall["precision"] >= 0.99
    assert overall.overall["automation"] == pytest.approx(0.6)
    assert overall.overall["objective"] == "overall"


def test_lower_bound_asks_for_more_evidence():
    assert cal.lower_bound(99, 100) == pytest.approx(0.99)
    assert cal.lower_bound(100, 100, z=1.0) == pytest.approx(100 / 101)
    # 50 clean values at 0.51 .. 1.00 and 150 at 0.01 .. 0.50 with one error at 0.50: the observed
    # precision accepts down to 0.01; the lower bound (z=1) stops where the clean run ends.
    units = [cal.Unit("receipt", "total", round(i / 200, 3), True, 1, 1, int(i != 100)) for i in range(1, 201)]
    assert cal.calibrate(units, target=0.99).thresholds["receipt"]["total"] == pytest.approx(0.005)
    assert cal.calibrate(units, target=0.99, z=1.0).thresholds["receipt"]["total"] == pytest.approx(0.505)
