"""Run PII detection over a JSONL file: {"id","text"} in, {"id","spans"} out.

    python manage.py detect_pii --in texts.jsonl --out predictions.jsonl
"""
from __future__ import annotations

import json
import time
from typing import Iterable, TextIO

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm


BATCH = 32


def detect_jsonl(lines: Iterable[str], out: TextIO, progress: bool = True, total: int | None = None) -> int:
    """Detect PII in each {"id","text"} line and write {"id","spans"} lines; returns the count."""
    from extraction.pii import get_analyzer

    analyzer = get_analyzer()  # built before the progress bar starts, so its rate means texts/s
    count = 0
    with tqdm(total=total, unit="text", disable=not progress) as bar:
        for batch in _batches(lines):
            records = [json.loads(line) for line in batch]
            results = analyzer.analyze_many([r.get("text") or "" for r in records], batch_size=BATCH)
            for record, spans in zip(records, results):
                out.write(json.dumps({"id": record["id"], "spans": [s.to_dict() for s in spans]},
                                     ensure_ascii=False) + "\n")
            count += len(records)
            bar.update(len(batch))
    return count


def _batches(lines: Iterable[str]):
    batch = []
    for line in lines:
        if line.strip():
            batch.append(line)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def check_records(lines: Iterable[str]) -> None:
    """Refuse the whole file, naming the line, before anything is written."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise CommandError(f"line {number}: not a JSON object") from None
        if not isinstance(record, dict) or "id" not in record or not isinstance(record.get("text"), str):
            raise CommandError(f'line {number}: needs "id" and a string "text"')


class Command(BaseCommand):
    help = "Detect personal data in {id, text} JSONL records; write {id, spans} JSONL."

    def add_arguments(self, parser):
        parser.add_argument("--in", dest="src", required=True, help="input JSONL with id and text")
        parser.add_argument("--out", dest="dst", required=True, help="output JSONL with id and spans")
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args, src, dst, no_progress, **options):
        try:
            with open(src, encoding="utf-8") as fh:
                lines = fh.readlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {src}: {exc.__class__.__name__}") from None
        check_records(lines)
        started = time.monotonic()
        with open(dst, "w", encoding="utf-8") as out:
            n = detect_jsonl(lines, out, progress=not no_progress, total=len(lines))
        elapsed = time.monotonic() - started
        self.stdout.write(f"{n} texts in {elapsed:.1f}s")
