"""Calibrating per-field confidence thresholds against labelled values.

A *unit* is one field decision of one document with its label: the machine's confidence,
whether the value could be accepted at all (grounded, every validator passed, no policy or
other blocking reason: a threshold cannot override those), how many labelled values it
stands for, and how many accepted values / correct accepted values it would add if accepted.
Scalar fields stand for one labelled value; a list field (``nda.party``) for each labelled
item, and an accepted list's extra items are accepted mistakes (as the scorer counts them).

For every (doc_type, field) the values are swept by confidence: at each threshold, precision
is the share of correct values among those accepted at or above it, automation the share of
labelled values accepted. The chosen threshold is the lowest whose precision reaches the
target; a field with fewer labelled samples than ``min_samples`` keeps its threshold.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from appliance.routing.compare import empty, match_list, same

DEFAULT_TARGET = 0.99
DEFAULT_MIN_SAMPLES = 20
# A threshold no confidence reaches: every value of the field goes to a person.
NEVER = 1.01
# Reasons decide() gives that a threshold changes; every other reason blocks acceptance.
THRESHOLD_REASON = "low_confidence"
# Targets swept for the overall curve (what per-field calibration at each target would give).
OVERALL_TARGETS = (0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999, 1.0)
MAX_CURVE_POINTS = 120


@dataclass
class Unit:
    doc_type: str
    field: str
    confidence: float | None  # None: nothing predicted
    eligible: bool  # could be accepted at some threshold
    gold: int  # labelled values it stands for
    accepted: int  # values it adds to "accepted" when accepted
    correct: int  # correct values among those


@dataclass
class FieldCalibration:
    doc_type: str
    field: str
    samples: int  # labelled predictions that a threshold could accept
    gold: int
    previous: float | None
    threshold: float | None  # None: kept (too few samples)
    status: str  # "calibrated" | "unreachable" | "too_few_samples"
    automation: float = 0.0
    precision: float | None = None
    accepted: int = 0
    correct: int = 0
    curve: list[dict] = field(default_factory=list)

    @property
    def key(self):
        return f"{self.doc_type}.{self.field}"


@dataclass
class Calibration:
    target: float
    min_samples: int
    fields: list[FieldCalibration]
    overall: dict
    overall_curve: list[dict]

    @property
    def thresholds(self) -> dict[str, dict[str, float]]:
        """{doc_type: {field: threshold}} for the fields that were calibrated (or found unreachable)."""
        out: dict[str, dict[str, float]] = defaultdict(dict)
        for item in self.fields:
            if item.threshold is not None:
                out[item.doc_type][item.field] = item.threshold
        return dict(out)

    def curves_json(self) -> dict:
        return {
            "fields": {item.key: item.curve for item in self.fields},
            "overall": self.overall_curve,
        }

    def fields_json(self) -> list[dict]:
        return [{k: v for k, v in asdict(item).items() if k != "curve"} for item in self.fields]


# --- building units -------------------------------------------------------------------------

def read_jsonl(path: str | Path, key: str = "file") -> dict[str, dict]:
    records = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                if key in record:
                    records[record[key]] = record
    return records


def blocking_reasons(prediction: dict) -> list[str]:
    """Why a predicted field can never be auto-accepted, whatever its threshold."""
    reasons = [r for r in prediction.get("reasons") or [] if r != THRESHOLD_REASON]
    if not prediction.get("evidence") and "no_evidence" not in reasons:
        reasons.append("no_evidence")
    if any(not v.get("passed", True) for v in prediction.get("validators") or []) and "validator_failed" not in reasons:
        reasons.append("validator_failed")
    return reasons


def _unpack(prediction):
    if isinstance(prediction, dict) and "value" in prediction:
        return prediction
    if prediction is None:
        return None
    # A bare value: treat as a grounded value of unknown confidence that was accepted.
    return {"value": prediction, "confidence": 1.0, "evidence": [{}], "status": "accepted"}


def units_from_files(gold: dict[str, dict], predictions: dict[str, dict]) -> list[Unit]:
    """One unit per labelled value (per list field) of every gold document."""
    units = []
    for key, labelled in gold.items():
        record = predictions.get(key) or {}
        predicted_type = record.get("doc_type") or labelled.get("doc_type") or ""
        fields = record.get("fields") or {}
        for name, expected in (labelled.get("fields") or {}).items():
            if empty(expected):
                continue
            prediction = _unpack(fields.get(name))
            gold_count = len(expected) if isinstance(expected, list) else 1
            if prediction is None or empty(prediction.get("value")):
                units.append(Unit(labelled.get("doc_type") or predicted_type, name, None, False, gold_count, 0, 0))
                continue
            value = prediction.get("value")
            if isinstance(expected, list):
                matched, extra = match_list(name, expected, value)
                accepted, correct = matched + extra, matched
            else:
                accepted, correct = 1, int(same(name, expected, value))
            confidence = float(prediction.get("confidence") or 0.0)
            units.append(
                Unit(predicted_type, name, confidence, not blocking_reasons(prediction), gold_count, accepted, correct)
            )
    return units


# --- sweeping -------------------------------------------------------------------------------

def sweep(units: list[Unit]) -> list[dict]:
    """Points (threshold, accepted, correct, automation, precision), from the highest threshold down."""
    gold = sum(u.gold for u in units)
    eligible = sorted((u for u in units if u.eligible), key=lambda u: -u.confidence)
    points = []
    accepted = correct = 0
    index = 0
    while index < len(eligible):
        threshold = eligible[index].confidence
        while index < len(eligible) and eligible[index].confidence == threshold:
            accepted += eligible[index].accepted
            correct += eligible[index].correct
            index += 1
        points.append(
            {
                "threshold": round(threshold, 6),
                "accepted": accepted,
                "correct": correct,
                "automation": round(accepted / gold, 6) if gold else 0.0,
                "precision": round(correct / accepted, 6) if accepted else None,
            }
        )
    return points


def choose(points: list[dict], target: float) -> dict | None:
    """The point with the lowest threshold whose precision reaches ``target``."""
    reaching = [p for p in points if p["precision"] is not None and p["precision"] >= target - 1e-12]
    return min(reaching, key=lambda p: p["threshold"]) if reaching else None


def thin(points: list[dict], limit: int = MAX_CURVE_POINTS) -> list[dict]:
    """At most ``limit`` points for storage and plotting, always keeping the ends."""
    if len(points) <= limit:
        return points
    step = (len(points) - 1) / (limit - 1)
    keep = sorted({round(i * step) for i in range(limit)})
    return [points[i] for i in keep]


def group(units: Iterable[Unit]) -> dict[tuple[str, str], list[Unit]]:
    groups: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    for unit in units:
        groups[(unit.doc_type, unit.field)].append(unit)
    return dict(groups)


def _accepted_at(units: list[Unit], threshold: float | None) -> tuple[int, int]:
    if threshold is None:
        return 0, 0
    chosen = [u for u in units if u.eligible and u.confidence >= threshold]
    return sum(u.accepted for u in chosen), sum(u.correct for u in chosen)


def calibrate(units: list[Unit], *, target: float = DEFAULT_TARGET, min_samples: int = DEFAULT_MIN_SAMPLES,
              current=None) -> Calibration:
    """Choose thresholds per (doc_type, field). ``current(doc_type, field)`` gives the threshold now in force."""
    current = current or (lambda doc_type, name: None)
    groups = group(units)
    results = []
    for (doc_type, name), members in sorted(groups.items()):
        samples = sum(1 for u in members if u.eligible)
        gold = sum(u.gold for u in members)
        points = sweep(members)
        previous = current(doc_type, name)
        if samples < min_samples:
            threshold, status = None, "too_few_samples"
            accepted, correct = _accepted_at(members, previous)
        else:
            best = choose(points, target)
            if best is None:
                threshold, status = NEVER, "unreachable"
                accepted = correct = 0
            else:
                threshold, status = best["threshold"], "calibrated"
                accepted, correct = best["accepted"], best["correct"]
        results.append(
            FieldCalibration(
                doc_type=doc_type, field=name, samples=samples, gold=gold, previous=previous, threshold=threshold,
                status=status, automation=round(accepted / gold, 6) if gold else 0.0,
                precision=round(correct / accepted, 6) if accepted else None, accepted=accepted, correct=correct,
                curve=thin(points),
            )
        )
    overall = _overall(results)
    curve = overall_curve(groups, min_samples=min_samples, current=current)
    return Calibration(target, min_samples, results, overall, curve)


def _overall(results: list[FieldCalibration]) -> dict:
    gold = sum(r.gold for r in results)
    accepted = sum(r.accepted for r in results)
    correct = sum(r.correct for r in results)
    return {
        "gold": gold,
        "accepted": accepted,
        "correct": correct,
        "automation": round(accepted / gold, 6) if gold else 0.0,
        "precision": round(correct / accepted, 6) if accepted else None,
        "fields": len(results),
        "calibrated": sum(1 for r in results if r.status == "calibrated"),
        "unreachable": sum(1 for r in results if r.status == "unreachable"),
        "too_few_samples": sum(1 for r in results if r.status == "too_few_samples"),
    }


def overall_curve(groups, *, min_samples: int, current) -> list[dict]:
    """Overall automation and precision if every field were calibrated to each of OVERALL_TARGETS."""
    points = []
    gold = sum(u.gold for members in groups.values() for u in members)
    for target in OVERALL_TARGETS:
        accepted = correct = 0
        for (doc_type, name), members in groups.items():
            if sum(1 for u in members if u.eligible) < min_samples:
                threshold = current(doc_type, name)
            else:
                best = choose(sweep(members), target)
                threshold = best["threshold"] if best else None
            a, c = _accepted_at(members, threshold)
            accepted, correct = accepted + a, correct + c
        points.append(
            {
                "target": target,
                "accepted": accepted,
                "correct": correct,
                "automation": round(accepted / gold, 6) if gold else 0.0,
                "precision": round(correct / accepted, 6) if accepted else None,
            }
        )
    return points


# --- applying thresholds to a prediction file -----------------------------------------------

def redecide(prediction: dict, threshold: float) -> dict:
    """A predicted field decided again with ``threshold``, as decide() would (other reasons kept)."""
    reasons = blocking_reasons(prediction)
    if float(prediction.get("confidence") or 0.0) < threshold:
        reasons.append(THRESHOLD_REASON)
    order = ["no_evidence", "validator_failed", THRESHOLD_REASON]
    reasons.sort(key=lambda r: order.index(r) if r in order else len(order))
    return {**prediction, "reasons": reasons, "status": "accepted" if not reasons else "needs_review"}


def apply_thresholds(record: dict, thresholds: dict[str, dict[str, float]]) -> dict:
    """A prediction record with the fields of calibrated (doc_type, field)s decided again."""
    chosen = thresholds.get(record.get("doc_type") or "", {})
    fields = dict(record.get("fields") or {})
    changed = False
    for name, prediction in fields.items():
        if name in chosen and isinstance(prediction, dict) and "value" in prediction:
            fields[name] = redecide(prediction, chosen[name])
            changed = True
    if not changed:
        return record
    out = {**record, "fields": fields}
    if "status" in record:
        all_accepted = all(f.get("status") == "accepted" for f in fields.values() if isinstance(f, dict))
        out["status"] = "done" if all_accepted and not _document_issues(record) else "needs_review"
    return out


def _document_issues(record: dict) -> list[str]:
    """Document-level reasons that no field threshold clears: missing required fields, the type's policy."""
    from extraction.doctypes.registry import default_registry

    spec = default_registry().get(record.get("doc_type") or "")
    if spec is None:
        return []
    present = {name for name, f in (record.get("fields") or {}).items() if f not in (None, "")}
    issues = [f"missing_required:{f.name}" for f in spec.fields if f.required and f.name not in present]
    if spec.always_review:
        issues.append("policy_always_review")
    return issues
