"""Zero-shot on types the appliance has never seen, scored as the evaluation scores them: a renamed type
of bench/renamed_types.json is imported on a throwaway database, its documents go through
``process_folder --type`` (the pipeline's own text, redaction, extraction and validation, no
specialist), and ``../shared/eval/rename_type.py`` maps the predictions back for ``score.py``.

    .venv/bin/python bench/zero_shot_bench.py sales_ticket --skip 350 --limit 75
    .venv/bin/python bench/zero_shot_bench.py confidentiality_deal --skip 250 --limit 80
    .venv/bin/python bench/zero_shot_bench.py supplier_bill_plain --limit 12

Some trials state each field's kind in the schema (``format``, ``x-validators``: till_slip,
secrecy_pact, supplier_bill); others say only "a string" with a description (sales_ticket,
confidentiality_deal, supplier_bill_plain), as an admin may write a type. Needs ../shared/eval/
(skips when absent); never touches the appliance's database or models directory.
"""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from renamed import EVAL, RENAME, REPO, prepare


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("name", help="a type of bench/renamed_types.json")
    parser.add_argument("--skip", type=int, default=0, help="leave out the type's first documents")
    parser.add_argument("--limit", type=int, default=100, help="how many documents to read")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not (EVAL / "gold.jsonl").exists():
        print(f"skipped: {EVAL} is absent")
        return
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        env, manage = prepare(args.name, work, args.limit, args.skip)
        subprocess.run(manage + ["process_folder", str(work / "set" / "docs"), "--out", str(work / "preds.jsonl"),
                                 "--type", args.name, "--workers", str(args.workers)],
                       check=True, env=env, cwd=REPO, stdout=subprocess.DEVNULL)
        subprocess.run(RENAME + ["back", str(work / "map.json"), args.name, str(work / "preds.jsonl"),
                                 str(work / "set" / "gold.jsonl"), str(work / "preds.back.jsonl"), str(work / "gold.back.jsonl")],
                       check=True)
        subprocess.run([sys.executable, str(EVAL / "score.py"), "docs", str(work / "gold.back.jsonl"),
                        str(work / "preds.back.jsonl")], check=True)


if __name__ == "__main__":
    main()
