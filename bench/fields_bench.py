"""Measure one document type's field extractor on the shared evaluation set.

    .venv/bin/python bench/fields_bench.py receipt [--limit N] [--out preds.jsonl] [--slm]

Reads ../shared/eval/ (skips when absent), extracts text with the evidence layer,
runs the type's extractor (documents are given their gold type, so this measures
extraction alone), writes scorer-format predictions and prints the scorer's report.
"""
import argparse
import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appliance.settings")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("doc_type")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--out", default="/tmp/fields-bench.jsonl")
    parser.add_argument("--slm", action="store_true", help="Let the small language model take part (as the pipeline does).")
    args = parser.parse_args()
    if not (EVAL / "gold.jsonl").exists():
        print(f"skipped: {EVAL} is absent")
        return 0

    import django

    django.setup()
    from extraction.evidence import DocText
    from extraction.text import extract_pages, sniff_file

    extractor = importlib.import_module(f"extraction.fields.{args.doc_type}")
    runtime = None
    if args.slm:
        from extraction.slm import runtime

        runtime.warm_up()
    gold = [json.loads(line) for line in open(EVAL / "gold.jsonl")]
    gold = [g for g in gold if g["doc_type"] == args.doc_type][: args.limit]
    started = time.perf_counter()
    with open(args.out, "w") as out, open(args.out + ".gold", "w") as gold_out:
        for record in gold:
            path = EVAL / "docs" / record["file"]
            pages = extract_pages(path, sniff_file(path))
            # the page methods too: the pipeline trusts values from OCR-read pages less
            doc = DocText([p.text for p in pages], methods=[p.method for p in pages])
            fields = extractor.extract(doc, runtime=runtime)
            out.write(json.dumps({"file": record["file"], "doc_type": args.doc_type,
                                  "fields": {k: v.as_dict() for k, v in fields.items()}}, default=str) + "\n")
            gold_out.write(json.dumps(record) + "\n")
    elapsed = time.perf_counter() - started
    print(f"{len(gold)} documents in {elapsed:.1f}s ({len(gold) / elapsed:.2f} docs/s)")
    subprocess.run([sys.executable, str(EVAL / "score.py"), "docs", args.out + ".gold", args.out], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
