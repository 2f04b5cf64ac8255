#!/usr/bin/env python3
"""PII detection benchmark on the shared evaluation set.

    .venv/bin/python bench/pii_bench.py [--docs] [--out PRED.jsonl]

Runs detect_pii's function over ../shared/eval/pii.jsonl, scores it with the
shared scorer (span recall, precision, F2, recall per type) and prints texts/s.
--docs also measures coverage of the personal-data items listed for the
finance documents in gold.jsonl (doc_pii_recall). Skips when ../shared/eval is absent.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("COLONY_EVAL_DIR", ROOT.parent / "shared" / "eval"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appliance.settings")


def score(mode: str, gold: Path, pred: Path) -> str:
    return subprocess.run([sys.executable, str(EVAL / "score.py"), mode, str(gold), str(pred)],
                          check=True, capture_output=True, text=True).stdout


def bench_pii(out_path: Path) -> None:
    from extraction.management.commands.detect_pii import detect_jsonl
    from extraction.pii import get_analyzer

    started = time.monotonic()
    get_analyzer()
    print(f"analyzer built in {time.monotonic() - started:.1f}s")
    lines = (EVAL / "pii.jsonl").read_text(encoding="utf-8").splitlines()
    started = time.monotonic()
    with open(out_path, "w", encoding="utf-8") as out:
        n = detect_jsonl(lines, out, progress=False)
    elapsed = time.monotonic() - started
    print(score("pii", EVAL / "pii.jsonl", out_path), end="")
    print(f"throughput: {n / elapsed:.1f} texts/s ({n} texts in {elapsed:.1f}s, load {os.getloadavg()[0]:.2f})")


def bench_docs(tmp: Path) -> None:
    """doc_pii_recall on the documents whose gold lists personal-data items."""
    from extraction.pii import detect

    gold_lines, pred_lines = [], []
    for line in (EVAL / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if not rec.get("pii") or not rec["file"].endswith(".txt"):
            continue
        text = (EVAL / "docs" / rec["file"]).read_text(encoding="utf-8", errors="replace")
        spans = detect(text)
        gold_lines.append(json.dumps({**rec, "fields": {}}))
        pred_lines.append(json.dumps({"file": rec["file"], "doc_type": rec["doc_type"], "fields": {},
                                      "pii": [{**s.to_dict(), "text": text[s.start:s.end]} for s in spans]}))
    (tmp / "gold.jsonl").write_text("\n".join(gold_lines) + "\n", encoding="utf-8")
    (tmp / "pred.jsonl").write_text("\n".join(pred_lines) + "\n", encoding="utf-8")
    report = score("docs", tmp / "gold.jsonl", tmp / "pred.jsonl")
    for row in report.splitlines():
        if row.startswith(("doc_pii_recall", "doc_pii_items", "documents")):
            print(row)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", action="store_true", help="also score the finance documents")
    parser.add_argument("--out", type=Path, help="keep the predictions here")
    args = parser.parse_args()
    if not (EVAL / "pii.jsonl").exists() or not (EVAL / "score.py").exists():
        print(f"SKIP: evaluation data not found at {EVAL} (set COLONY_EVAL_DIR)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bench_pii(args.out or tmp / "pii_pred.jsonl")
        if args.docs:
            bench_docs(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
