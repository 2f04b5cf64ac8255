"""Measure the document classifier on the shared evaluation set.

    .venv/bin/python bench/classify_bench.py [--generator auto|always|never] [--limit N] [--per-type N]
                                              [--out preds.jsonl] [--cache DIR]

Reads ../shared/eval/ (skips when absent). Texts come from the evidence layer
(``extract_pages(path, sniff_file(path))``), redacted as the pipeline redacts what the
classifier sees, and are cached under ``--cache``
(default /tmp/colony-classify-bench) keyed by file name, size and mtime, so that
only the classifier is timed. Prints accuracy overall and per type, the confusion
pairs, documents per second and per-document latency percentiles.
"""
import argparse
import collections
import json
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
sys.path.insert(0, str(REPO))


def cached_text(path: Path, cache: Path) -> str:
    """The text the pipeline's classifier sees (pages joined as the evidence layer joins them, personal
    data redacted: extraction.pipeline.classifier_text), cached by file name, size and mtime."""
    st = path.stat()
    dst = cache / f"{path.name}.{st.st_size}.{int(st.st_mtime)}.redacted.json"
    if dst.exists():
        return json.loads(dst.read_text(encoding="utf-8"))
    from extraction.evidence import DocText
    from extraction.pipeline import classifier_text, find_pii
    from extraction.text import ExtractionError, extract_pages, sniff_file

    try:
        pages = [p.text for p in extract_pages(path, sniff_file(path))]
    except ExtractionError:
        pages = []
    doc = DocText(pages)
    find_pii(doc)
    text = classifier_text(doc)
    cache.mkdir(parents=True, exist_ok=True)
    dst.write_text(json.dumps(text), encoding="utf-8")
    return text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--generator", choices=("auto", "always", "never"), default="auto")
    parser.add_argument("--limit", type=int, help="at most N documents (after --per-type)")
    parser.add_argument("--per-type", type=int, help="at most N documents of each gold type (seeded sample)")
    parser.add_argument("--out", default="/tmp/classify-bench.jsonl")
    parser.add_argument("--cache", default="/tmp/colony-classify-bench")
    parser.add_argument("--show", type=int, default=3, help="print the head of up to N misclassified docs per pair")
    args = parser.parse_args()
    if not (EVAL / "gold.jsonl").exists():
        print(f"skipped: {EVAL} is absent")
        return 0

    from extraction.classify import classify
    from extraction.slm import runtime

    gold = [json.loads(line) for line in open(EVAL / "gold.jsonl", encoding="utf-8")]
    if args.per_type:
        rnd = random.Random(0)
        by_type = collections.defaultdict(list)
        for g in gold:
            by_type[g["doc_type"]].append(g)
        gold = [g for t in sorted(by_type) for g in rnd.sample(by_type[t], min(args.per_type, len(by_type[t])))]
    gold = gold[: args.limit]
    cache = Path(args.cache)
    texts = {g["file"]: cached_text(EVAL / "docs" / g["file"], cache) for g in gold}

    use_generator = {"auto": None, "always": True, "never": False}[args.generator]
    started = time.perf_counter()
    classify("warm-up text", runtime=runtime, use_generator=use_generator)  # loads models, trains
    warm = time.perf_counter() - started

    right = collections.Counter()
    total = collections.Counter()
    pairs = collections.Counter()
    examples = collections.defaultdict(list)
    latencies, generator_calls = [], 0
    with open(args.out, "w", encoding="utf-8") as out:
        t0 = time.perf_counter()
        for g in gold:
            text = texts[g["file"]]
            t = time.perf_counter()
            c = classify(text, runtime=runtime, use_generator=use_generator)
            latencies.append(time.perf_counter() - t)
            generator_calls += c.method != "encoder"
            total[g["doc_type"]] += 1
            if c.doc_type == g["doc_type"]:
                right[g["doc_type"]] += 1
            else:
                pairs[(g["doc_type"], c.doc_type)] += 1
                examples[(g["doc_type"], c.doc_type)].append((g["file"], c.confidence))
            out.write(json.dumps({"file": g["file"], "doc_type": c.doc_type, "doc_type_confidence": c.confidence,
                                  "method": c.method}) + "\n")
        elapsed = time.perf_counter() - t0

    n = sum(total.values())
    print(f"documents: {n}   accuracy: {sum(right.values()) / n:.4f}   ({sum(right.values())}/{n})")
    print(f"speed: {n / elapsed:.1f} docs/s   latency p50 {1000 * _pct(latencies, 50):.0f} ms  "
          f"p95 {1000 * _pct(latencies, 95):.0f} ms  max {1000 * max(latencies):.0f} ms   "
          f"(warm-up {warm:.1f}s; generator asked for {generator_calls} docs)")
    print("per type:")
    for t in sorted(total):
        print(f"  {t:18s} {right[t] / total[t]:.3f}  ({right[t]}/{total[t]})")
    if pairs:
        print("confusions (gold -> predicted):")
        for (a, b), k in pairs.most_common():
            shown = ", ".join(f"{f} ({conf:.2f})" for f, conf in examples[(a, b)][: args.show])
            print(f"  {a} -> {b}: {k}   e.g. {shown}")
    print(f"predictions: {args.out}")
    return 0


def _pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


if __name__ == "__main__":
    sys.exit(main())
