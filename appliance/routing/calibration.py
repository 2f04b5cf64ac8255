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
import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from appliance.routing.compare import empty, match_list, same
from extraction.validation.decision import (
    CHECKS,
    LOW_CONFIDENCE,
    NO_EVIDENCE,
    POLICY_ALWAYS_REVIEW,
    VALIDATOR_FAILED,
    document_status,
    field_reasons,
    field_status,
    shown_confidence,
)

DEFAULT_TARGET = 0.99
DEFAULT_MIN_SAMPLES = 20
DEFAULT_Z = 0.0
# A threshold no confidence reaches: every value of the field goes to a person.
NEVER = 1.01
# Reasons decide() gives that a threshold changes; every other reason blocks acceptance.
THRESHOLD_REASON = LOW_CONFIDENCE
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

    def __post_init__(self):
        # Swept as the decision point compares it with a threshold (shown_confidence): a stored 0.99997 and a 1.0
        # are one tie there, so a threshold between them would promise a precision the stage does not keep.
        if self.confidence is not None:
            self.confidence = shown_confidence(self.confidence)


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
    return redecide(prediction, 0.0)["reasons"]


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


def lower_bound(correct: int, accepted: int, z: float = 0.0) -> float:
    """Wilson score lower bound of a precision, ``z`` standard deviations down (0: the observed precision)."""
    if accepted <= 0:
        return 0.0
    p = correct / accepted
    if z <= 0:
        return p
    z2 = z * z
    centre = p + z2 / (2 * accepted)
    spread = z * math.sqrt(p * (1 - p) / accepted + z2 / (4 * accepted * accepted))
    return (centre - spread) / (1 + z2 / accepted)


def reaches(correct: int, accepted: int, target: float, z: float = 0.0) -> bool:
    return accepted > 0 and lower_bound(correct, accepted, z) >= target - 1e-12


def choose(points: list[dict], target: float, z: float = 0.0) -> dict | None:
    """The point with the lowest threshold whose precision (its lower bound, with ``z``) reaches ``target``."""
    reaching = [p for p in points if reaches(p["correct"], p["accepted"], target, z)]
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


OBJECTIVES = ("field", "overall")


def choose_thresholds(groups, target: float, *, min_samples: int, objective: str = "field", z: float = 0.0) -> dict:
    """{(doc_type, field): threshold | NEVER | None (kept: too few samples)} for ``objective``.

    ``field``: every field's own precision reaches ``target`` (the lowest such threshold).
    ``overall``: the most values accepted while the precision over all fields together reaches
    ``target`` (fields may trade precision: a clean field accepts more, a noisy one less).
    ``z`` > 0 asks the Wilson lower bound of the precision to reach the target, not the observed
    precision: fewer values accepted, less over-fitting to the labelled set.
    """
    chosen: dict[tuple[str, str], float | None] = {}
    free = {}
    for key, members in groups.items():
        if sum(1 for u in members if u.eligible) < min_samples:
            chosen[key] = None
        else:
            free[key] = sweep(members)
    if objective == "overall":
        chosen.update(_overall_optimum(free, target, z))
    else:
        for key, points in free.items():
            best = choose(points, target, z)
            chosen[key] = best["threshold"] if best else NEVER
    return chosen


def _overall_optimum(free: dict, target: float, z: float = 0.0) -> dict:
    """Lagrangian relaxation: each field independently maximises accepted - lam * (errors - (1 - target) * accepted);
    the smallest ``lam`` whose overall precision reaches ``target`` wins (bisection)."""
    options = {key: [(NEVER, 0, 0)] + [(p["threshold"], p["accepted"], p["correct"]) for p in points]
               for key, points in free.items()}

    def pick(lam):
        out, accepted, correct = {}, 0, 0
        for key, opts in options.items():
            best = max(opts, key=lambda o: (o[1] * (1 + lam * (1 - target)) - lam * (o[1] - o[2]), -o[1]))
            out[key] = best[0]
            accepted += best[1]
            correct += best[2]
        return out, accepted, correct

    def feasible(result):
        _, accepted, correct = result
        return accepted == 0 or reaches(correct, accepted, target, z)

    low, high = 0.0, 1.0
    result = pick(low)
    if feasible(result):
        return result[0]
    while not feasible(pick(high)) and high < 1e9:
        high *= 4
    best = pick(high)
    if not feasible(best):
        return {key: NEVER for key in options}
    for _ in range(60):
        middle = (low + high) / 2
        attempt = pick(middle)
        if feasible(attempt):
            high, best = middle, attempt
        else:
            low = middle
    return _fill(options, best, target, z)


def _fill(options: dict, result, target: float, z: float = 0.0) -> dict:
    """Spend the precision left over: lower single fields' thresholds while the overall target holds.

    The relaxation only reaches points on each field's convex hull; this greedy pass takes the
    largest feasible step of any field, repeatedly."""
    chosen, accepted, correct = dict(result[0]), result[1], result[2]
    state = {key: next(o for o in opts if o[0] == chosen[key]) for key, opts in options.items()}
    while True:
        move = None
        for key, opts in options.items():
            _, a0, c0 = state[key]
            for option in opts:
                _, a, c = option
                if a <= a0:
                    continue
                total_a, total_c = accepted - a0 + a, correct - c0 + c
                if not reaches(total_c, total_a, target, z):
                    continue
                gain = (a - a0, -(a - c - (a0 - c0)))
                if move is None or gain > move[0]:
                    move = (gain, key, option)
        if move is None:
            return {key: option[0] for key, option in state.items()}
        _, key, option = move
        accepted += option[1] - state[key][1]
        correct += option[2] - state[key][2]
        state[key] = option


def calibrate(units: list[Unit], *, target: float = DEFAULT_TARGET, min_samples: int = DEFAULT_MIN_SAMPLES,
              current=None, objective: str = "field", z: float = 0.0) -> Calibration:
    """Choose thresholds per (doc_type, field). ``current(doc_type, field)`` gives the threshold now in force."""
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}")
    current = current or (lambda doc_type, name: None)
    groups = group(units)
    chosen = choose_thresholds(groups, target, min_samples=min_samples, objective=objective, z=z)
    results = []
    for (doc_type, name), members in sorted(groups.items()):
        threshold = chosen[(doc_type, name)]
        previous = current(doc_type, name)
        if threshold is None:
            status = "too_few_samples"
            accepted, correct = _accepted_at(members, previous)
        else:
            status = "calibrated" if threshold < NEVER else ("unreachable" if objective == "field" else "review_all")
            accepted, correct = _accepted_at(members, threshold)
        gold = sum(u.gold for u in members)
        results.append(
            FieldCalibration(
                doc_type=doc_type, field=name, samples=sum(1 for u in members if u.eligible), gold=gold,
                previous=previous, threshold=threshold, status=status,
                automation=round(accepted / gold, 6) if gold else 0.0,
                precision=round(correct / accepted, 6) if accepted else None, accepted=accepted, correct=correct,
                curve=thin(sweep(members)),
            )
        )
    overall = _overall(results)
    overall["objective"] = objective
    overall["z"] = z
    curve = overall_curve(groups, min_samples=min_samples, current=current, objective=objective, z=z)
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
        "unreachable": sum(1 for r in results if r.status in ("unreachable", "review_all")),
        "too_few_samples": sum(1 for r in results if r.status == "too_few_samples"),
    }


def overall_curve(groups, *, min_samples: int, current, objective: str = "field", z: float = 0.0) -> list[dict]:
    """Overall automation and precision if the fields were calibrated to each of OVERALL_TARGETS."""
    points = []
    gold = sum(u.gold for members in groups.values() for u in members)
    for target in OVERALL_TARGETS:
        chosen = choose_thresholds(groups, target, min_samples=min_samples, objective=objective, z=z)
        accepted = correct = 0
        for key, members in groups.items():
            threshold = chosen[key] if chosen[key] is not None else current(*key)
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
    """A predicted field decided again with ``threshold`` by the validation stage's own rule (other reasons kept)."""
    stored = list(prediction.get("reasons") or [])
    reasons = field_reasons(
        grounded=bool(prediction.get("evidence")) and NO_EVIDENCE not in stored,
        validators_passed=all(v.get("passed", True) for v in prediction.get("validators") or [])
        and VALIDATOR_FAILED not in stored,
        confidence=float(prediction.get("confidence") or 0.0), threshold=threshold,
        notes=[r for r in stored if r not in CHECKS], always_review=POLICY_ALWAYS_REVIEW in stored)
    return {**prediction, "reasons": reasons, "status": str(field_status(reasons))}


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
        statuses = [f.get("status") for f in fields.values() if isinstance(f, dict)]
        out["status"] = str(document_status(statuses, _document_issues(record)))
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
