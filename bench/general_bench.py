"""Types the appliance has never seen: labelled types renamed (our own type and field names and
descriptions, bench/renamed_types.json) so that no dedicated extractor applies, then the learning
curve — zero-shot and after K labelled examples — on documents never used in training.

    .venv/bin/python bench/general_bench.py till_slip --sizes 0,10,25,50,100,200 --skip 150 --test 75
    .venv/bin/python bench/general_bench.py secrecy_pact --sizes 0,25,50,100,200 --skip 50 --test 80
    .venv/bin/python bench/general_bench.py till_slip --sizes 0,10,25,50,100,200 --skip 50 --test 100 --held-out spread

Needs ../shared/eval/ (skips when absent). Runs on a throwaway database and specialists directory,
never the appliance's. ``--skip`` leaves out the first documents of the type (those the zero-shot
weights were chosen on). The documents measured come after the largest training size, and a
size K trains on the first K of the pool: the evaluation set's files come in runs of one vendor, so
the smaller sizes, far from the documents measured, share no shops with them. ``--held-out spread``
measures on documents taken evenly across the whole type (after ``--skip``) and trains on the others,
so training and measured documents come from the same mix of senders (receipts skip their first 50
files: the first 25 receipts and their scans, which would otherwise fall on both sides).
"""
import argparse
import subprocess
import tempfile
from pathlib import Path

from renamed import EVAL, REPO, prepare


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("name", help="a type of bench/renamed_types.json")
    parser.add_argument("--sizes", default="0,10,25,50")
    parser.add_argument("--skip", type=int, default=0)
    parser.add_argument("--test", type=int, default=100)
    parser.add_argument("--held-out", choices=("last", "spread"), default="last")
    parser.add_argument("--per-field", action="store_true", help="a line for each field under each size")
    args = parser.parse_args()
    if not (EVAL / "gold.jsonl").exists():
        print(f"skipped: {EVAL} is absent")
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        limit = max(sizes) + args.test if args.held_out == "last" else 10**6
        env, manage = prepare(args.name, work, limit, args.skip)
        subprocess.run(manage + ["learning_curve", args.name, "--docs", str(work / "set" / "docs"),
                                 "--gold", str(work / "set" / "gold.jsonl"), "--sizes", args.sizes, "--test", str(args.test),
                                 "--held-out", args.held_out] + (["--per-field"] if args.per_field else []),
                       check=True, env=env, cwd=REPO)


if __name__ == "__main__":
    main()
