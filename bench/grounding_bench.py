"""How many gold values the document's own text does not contain, and how many accepted errors they make.

    .venv/bin/python manage.py process_folder ../shared/eval/docs --out /tmp/preds.jsonl --workers 2
    .venv/bin/python bench/grounding_bench.py /tmp/preds.jsonl [--gold ../shared/eval/gold.jsonl]
        [--docs ../shared/eval/docs] [--skip-images] [--json out.json]

The appliance only accepts values it can point to in the document (the evidence layer). A gold value
that is not written in the document's text, compared as the scorer compares names (case-folded,
letters and digits only), cannot be produced by a grounded extractor: either the label has a typo
or a normalisation of its own ("SHAN ALAM" on a receipt that says "SHAH ALAM", "Liquidmetal
Technology" for "LIQUIDMETAL TECHNOLOGIES"), or the text does (an OCR misread such as "KWANSAN"
for "KAWASAN"). Each such value the appliance accepts is an accepted error that no threshold can
tell from a right one where the text is read correctly.

For each text field (dates, amounts and durations are written in too many forms to look for) it
prints the gold values, those not in the text, the accepted errors and how many of them are on
values not in the text, and the auto-precision with those values left out of the count. Skips
without the shared evaluation set.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from labelled_set import EVAL, load


# Compared as text by the scorer: the fields whose gold value can be looked for in the text as is.
TEXT_FIELDS = {"company", "address", "party", "jurisdiction", "issuer", "invoice_number", "vat", "iban"}


def squeeze(text: str) -> str:
    """The scorer's comparison form: case-folded, letters and digits only."""
    return re.sub(r"[\W_]+", "", str(text).casefold())


def document_text(path: Path) -> str:
    from extraction.text import extract_pages
    from extraction.text.sniff import sniff_file

    media_type = sniff_file(path)
    return "\n".join(page.text for page in extract_pages(path, media_type))


def _items(value) -> list:
    return [v for v in (value if isinstance(value, list) else [value]) if v not in (None, "")]


def _same(gold, predicted) -> bool:
    return squeeze(gold) != "" and squeeze(gold) == squeeze(predicted)


def measure(gold: dict, predictions: dict, texts: dict[str, str]) -> dict:
    """Per ``type.field``: gold values, not in text, accepted, accepted errors, errors not in text."""
    per = defaultdict(lambda: {"gold": 0, "not_in_text": 0, "accepted": 0, "accepted_wrong": 0,
                               "accepted_wrong_not_in_text": 0})
    for name, record in gold.items():
        if name not in texts:
            continue
        text = texts[name]
        fields = (predictions.get(name) or {}).get("fields") or {}
        for field, gold_value in record["fields"].items():
            if field not in TEXT_FIELDS or not _items(gold_value):
                continue
            row = per[f'{record["doc_type"]}.{field}']
            wanted = _items(gold_value)
            missing = [g for g in wanted if squeeze(g) not in text]
            row["gold"] += len(wanted)
            row["not_in_text"] += len(missing)
            prediction = fields.get(field)
            if not isinstance(prediction, dict) or prediction.get("status") != "accepted":
                continue
            left = list(wanted)
            for value in _items(prediction.get("value")):
                row["accepted"] += 1
                hit = next((g for g in left if _same(g, value)), None)
                if hit is not None:
                    left.remove(hit)
                    continue
                row["accepted_wrong"] += 1
                # the wrong value stands for a gold value that is not in the text, where there is one
                if any(g in missing for g in left):
                    row["accepted_wrong_not_in_text"] += 1
    return dict(per)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pred", type=Path)
    parser.add_argument("--gold", type=Path, default=EVAL / "gold.jsonl")
    parser.add_argument("--docs", type=Path, default=EVAL / "docs")
    parser.add_argument("--skip-images", action="store_true", help="leave out scans (their text is OCR'd again)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    loaded = load(parser, args, args.docs)
    if loaded is None:
        return 0
    gold, predictions = loaded
    texts = {}
    for name, record in gold.items():
        if not any(f in TEXT_FIELDS for f in record.get("fields") or {}):
            continue
        if args.skip_images and name.lower().endswith((".jpg", ".jpeg", ".png", ".tif", ".tiff")):
            continue
        texts[name] = squeeze(document_text(args.docs / name))
    per = measure(gold, predictions, texts)

    print(f"{'field':<26}{'gold':>6}{'not in text':>13}{'accepted':>10}{'acc. wrong':>12}"
          f"{'of which not in text':>22}{'precision':>11}{'without them':>14}")
    total = defaultdict(int)
    for key, row in sorted(per.items()):
        for k, v in row.items():
            total[k] += v
        _print_row(key, row)
    _print_row("all text fields", total)
    if args.json:
        args.json.write_text(json.dumps({"fields": per, "total": total}, indent=2))
    return 0


def _print_row(key: str, row: dict) -> None:
    accepted, wrong, unfound = row["accepted"], row["accepted_wrong"], row["accepted_wrong_not_in_text"]
    precision = f"{(accepted - wrong) / accepted:.4f}" if accepted else "-"
    kept = accepted - unfound
    without = f"{(kept - (wrong - unfound)) / kept:.4f}" if kept else "-"
    print(f"{key:<26}{row['gold']:>6}{row['not_in_text']:>13}{accepted:>10}{wrong:>12}{unfound:>22}"
          f"{precision:>11}{without:>14}")


if __name__ == "__main__":
    sys.exit(main())
