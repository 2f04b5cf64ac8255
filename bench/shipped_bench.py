"""The shipped types (receipt, nda, invoice) with specialists whose features include the dedicated
rules' votes, against the rules alone: 2-fold on the evaluation set, each half measured by a
specialist trained on the other half, through the validation stage's own decision (thresholds
calibrated from the training half's out-of-fold predictions).

    .venv/bin/python bench/shipped_bench.py receipt nda invoice [--limit N] [--target P]

The halves are the first and the second half of each type's files in gold.jsonl order (the
evaluation set's files come in runs of one vendor, so halves share fewer shops than alternate files
would). Needs ../shared/eval/ (skips when absent). Touches no database and no models directory.
"""
import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
sys.path.insert(0, str(REPO))


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appliance.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("COLONY_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _line(tag, figures):
    precision = figures["auto_precision"]
    return (f"{tag:<28} accuracy {figures['accuracy']:.3f}  automation {figures['automation']:.3f}  "
            f"auto-precision {'-' if precision is None else f'{precision:.3f}'}  ({figures['values']} values, "
            f"{figures['in_text']:.3f} in the text)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("types", nargs="+")
    parser.add_argument("--limit", type=int, default=None, help="at most this many documents of each type")
    parser.add_argument("--target", type=float, default=None, help="the auto-precision thresholds are fitted for "
                                                                    "(train_type --target; default: training's own)")
    args = parser.parse_args()
    if not (EVAL / "gold.jsonl").exists():
        print(f"skipped: {EVAL} is absent")
        return
    _setup()
    from appliance.documents.specialists import load_documents, unreadable_message
    from extraction.batch import runtime_or_none
    from extraction.doctypes.registry import default_registry
    from extraction.fields.general.training import MIN_DOCUMENTS, TARGET_PRECISION, Tally, measure, train

    runtime = runtime_or_none()
    if runtime is None:
        sys.exit("The local models are not built; run: python manage.py build_models")
    gold = [json.loads(line) for line in (EVAL / "gold.jsonl").read_text().splitlines() if line.strip()]
    for name in args.types:
        spec = default_registry()[name]
        # The scanned receipts repeat 25 of the text receipts: one reading of each is enough.
        rows = [r for r in gold if r["doc_type"] == name and r.get("fields") and not r["file"].endswith(".jpg")]
        documents, unreadable = load_documents(rows[:args.limit], EVAL / "docs")
        if unreadable:
            print(unreadable_message(unreadable))
        half = len(documents) // 2
        if half < MIN_DOCUMENTS:
            print(f"{name}: {len(documents)} labelled documents; two halves of at least {MIN_DOCUMENTS} are needed")
            continue
        totals = {"rules": [], "specialist": []}
        for fold, (training, measured) in enumerate([(documents[:half], documents[half:]),
                                                     (documents[half:], documents[:half])]):
            started = time.perf_counter()
            specialist, report = train(spec, training, runtime, version=f"fold{fold}",
                                       target_precision=args.target or TARGET_PRECISION)
            seconds = time.perf_counter() - started
            trained = dataclasses.replace(spec, thresholds={**spec.thresholds, **report.thresholds()})
            for tag, figures in (("rules", measure(spec, measured, runtime, None, in_text=True)),
                                 ("specialist", measure(trained, measured, runtime, specialist, in_text=True))):
                totals[tag].append(figures)
            print(f"{name} fold {fold}: trained on {len(training)} in {seconds:.0f} s, measured on {len(measured)}")
        for tag, folds in totals.items():
            # Both folds as one, from their counts.
            pooled = lambda figures: sum((f["counts"] for f in figures), Tally()).figures()  # noqa: E731
            print(_line(f"{name} {tag}", pooled(folds)))
            for field in folds[0]["fields"]:
                print(_line(f"  {field}", pooled([f["fields"][field] for f in folds if field in f["fields"]])))


if __name__ == "__main__":
    main()
