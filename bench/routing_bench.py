"""What threshold calibration buys, measured honestly: calibrated on one half of the labelled
documents, scored on the other half (and the other way round), against the shipped thresholds.

    .venv/bin/python manage.py process_folder ../shared/eval/docs --out /tmp/preds.jsonl --workers 2
    .venv/bin/python bench/routing_bench.py /tmp/preds.jsonl [--gold ../shared/eval/gold.jsonl]
        [--target 0.99] [--z 0] [--json out.json]

For each objective (``field``: every field reaches the target; ``overall``: all fields together
do, see appliance/routing/calibration.py) it prints automation and auto-precision
- with the thresholds the predictions were made with (shipped),
- calibrated and scored on the same documents (in-sample: what a perfect fit would promise),
- 2-fold: each half decided with the thresholds calibrated on the other half (what to expect
  on documents the calibration has not seen).
The halves are fixed by a hash of the file name, so runs are comparable. Skips without the
shared evaluation set.

It also prints what the models cost against sending every document whole to the largest tier
(``--large-cost-per-1k``, default 10: the OpenAI-compatible tier's default relative cost, the
embedded generator being 1.0), from the token accounting process_folder writes per file; the
baseline counts each document at the larger of its tokens and its text length / 4, as the
routing report does (appliance/routing/report.py).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from labelled_set import EVAL, load


def half_of(name: str) -> int:
    return hashlib.sha256(name.encode()).digest()[0] % 2


def measure(gold: dict, predictions: dict) -> dict:
    """Automation and auto-precision of ``predictions`` (statuses as decided) against ``gold``."""
    from appliance.routing.calibration import units_from_files

    labelled = accepted = correct = 0
    for key in gold:
        fields = (predictions.get(key) or {}).get("fields") or {}
        for unit in units_from_files({key: gold[key]}, predictions):
            labelled += unit.gold
            prediction = fields.get(unit.field)
            if isinstance(prediction, dict) and prediction.get("status") == "accepted" and unit.confidence is not None:
                accepted += unit.accepted
                correct += unit.correct
    return {"gold": labelled, "accepted": accepted, "correct": correct,
            "automation": round(accepted / labelled, 4) if labelled else 0.0,
            "auto_precision": round(correct / accepted, 4) if accepted else None}


def cost_ratio(predictions: dict, large_cost_per_1k: float) -> dict:
    """Relative cost of the recorded model calls against the all-largest-tier baseline."""
    from appliance.routing.report import CHARS_PER_TOKEN

    actual = baseline_tokens = 0.0
    tokens = 0
    for record in predictions.values():
        usage = record.get("usage") or {}
        models = usage.get("models") or {}
        spent = sum(m["tokens"] for m in models.values())
        tokens += spent
        actual += sum(m["cost"] for m in models.values())
        baseline_tokens += max(spent, -(-int(usage.get("text_chars") or 0) // CHARS_PER_TOKEN))
    baseline = baseline_tokens / 1000 * large_cost_per_1k
    return {"tokens": tokens, "cost": round(actual, 3), "baseline_tokens": int(baseline_tokens),
            "baseline_cost": round(baseline, 3), "ratio": round(actual / baseline, 4) if baseline else None}


def redecide(gold: dict, predictions: dict, fit_on: set[str], apply_to: set[str], **options) -> dict:
    """Predictions of ``apply_to`` decided again with thresholds calibrated on ``fit_on``."""
    from appliance.routing import calibration as cal

    units = cal.units_from_files({k: gold[k] for k in fit_on}, {k: predictions[k] for k in fit_on if k in predictions})
    thresholds = cal.calibrate(units, **options).thresholds
    return {k: cal.apply_thresholds(predictions[k], thresholds) for k in apply_to if k in predictions}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pred", type=Path)
    parser.add_argument("--gold", type=Path, default=EVAL / "gold.jsonl")
    parser.add_argument("--target", type=float, default=0.99)
    parser.add_argument("--z", type=float, default=0.0)
    parser.add_argument("--min-samples", type=int, default=20)
    parser.add_argument("--large-cost-per-1k", type=float, default=10.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    loaded = load(parser, args)
    if loaded is None:
        return 0
    gold, predictions = loaded
    halves = [{k for k in gold if half_of(k) == h} for h in (0, 1)]
    results = {"shipped": measure(gold, predictions)}
    for objective in ("field", "overall"):
        options = {"target": args.target, "z": args.z, "min_samples": args.min_samples, "objective": objective}
        everything = set(gold)
        results[f"{objective}, in-sample"] = measure(gold, {**predictions, **redecide(gold, predictions, everything, everything, **options)})
        crossed = {**redecide(gold, predictions, halves[0], halves[1], **options),
                   **redecide(gold, predictions, halves[1], halves[0], **options)}
        results[f"{objective}, 2-fold"] = measure(gold, {**predictions, **crossed})

    print(f"target auto-precision {args.target} (z={args.z}); {results['shipped']['gold']} labelled values")
    print(f"{'thresholds':<22}{'automation':>11}{'auto_precision':>16}")
    for name, figures in results.items():
        precision = "-" if figures["auto_precision"] is None else f"{figures['auto_precision']:.4f}"
        print(f"{name:<22}{figures['automation']:>11.4f}{precision:>16}")
    if any("usage" in record for record in predictions.values()):
        results["cost"] = cost_ratio(predictions, args.large_cost_per_1k)
        c = results["cost"]
        print(f"model cost {c['cost']} ({c['tokens']} tokens) against {c['baseline_cost']} for every document "
              f"read whole by the largest tier ({c['baseline_tokens']} tokens at {args.large_cost_per_1k}/1k): "
              f"ratio {c['ratio']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
