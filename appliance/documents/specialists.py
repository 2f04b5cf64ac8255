"""Training a type's specialist from labelled documents (``manage.py train_type``), promoting it only
when it is not worse than the one in use, and teaching the result to calibration and the classifier.

Labelled documents come as a folder of files and a gold file in the evaluation set's format, one
JSON line per document: {"file": "a.pdf", "fields": {"total": "9.00", "party": ["A", "B"]}}.
"""
import json
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from appliance.documents.models import DocumentType, ExampleDocument
from audit.events import record
from extraction.evidence import DocText
from extraction.fields.general import store
from extraction.fields.general.specialist import Specialist
from extraction.fields.general.training import TARGET_PRECISION, Labelled, TrainingError, measure, train
from extraction.fields.registry import has_rules
from extraction.pipeline import find_pii
from extraction.text import ExtractionError, extract_pages, sniff_file

# Every HOLD_BACK-th document is kept out of training to compare the new version with the promoted one.
HOLD_BACK = 5


class GoldError(ValueError):
    """A gold file that does not fit the type or the folder; the message names what is wrong."""


@dataclass
class Outcome:
    version: str
    report: object  # TrainingReport
    promoted: bool
    new_score: float
    old_version: str | None
    old_score: float
    seconds: float
    in_use: str  # what extracted the type before: its promoted version, or zero-shot / its rules when none was


def read_gold(gold_path: Path, docs_dir: Path, doc_type: DocumentType, limit: int | None = None) -> list[dict]:
    """The gold lines to train on, checked against the type's fields and the folder's files."""
    known = set(doc_type.schema.get("properties", {}))
    rows, unknown_fields, missing_files = [], set(), []
    try:
        lines = Path(gold_path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldError(f"Cannot read {gold_path}: {exc.strerror}.") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            raise GoldError(f"{gold_path}, line {number}: not valid JSON.") from None
        if not isinstance(row, dict) or not isinstance(row.get("file"), str) or not isinstance(row.get("fields"), dict):
            raise GoldError(f'{gold_path}, line {number}: expected {{"file": ..., "fields": {{...}}}}.')
        unknown_fields.update(set(row["fields"]) - known)
        if not (Path(docs_dir) / row["file"]).is_file():
            missing_files.append(row["file"])
        rows.append(row)
    if unknown_fields:
        raise GoldError(f"The gold file names fields that type {doc_type.name!r} does not have: "
                        f"{', '.join(sorted(unknown_fields))}. Its fields: {', '.join(sorted(known))}.")
    if missing_files:
        raise GoldError(f"{len(missing_files)} file(s) named in the gold file are not in {docs_dir}: "
                        f"{', '.join(missing_files[:5])}{' ...' if len(missing_files) > 5 else ''}.")
    return rows[:limit] if limit else rows


def load_documents(rows: list[dict], docs_dir: Path) -> tuple[list[Labelled], list[str]]:
    """Text and personal data of each labelled file, as the pipeline reads them; and the files that
    could not be read (each named, so the caller can say so: none is dropped silently)."""
    documents, unreadable = [], []
    for row in rows:
        path = Path(docs_dir) / row["file"]
        try:
            pages = extract_pages(path, sniff_file(path) or "")
        except ExtractionError as exc:
            unreadable.append(f"{row['file']} ({exc.code})")
            continue
        doc = DocText([p.text for p in pages], methods=[p.method for p in pages])
        find_pii(doc)
        documents.append(Labelled(row["file"], doc, row["fields"]))
    return documents, unreadable


def unreadable_message(unreadable: list[str]) -> str:
    return (f"{len(unreadable)} labelled file(s) could not be read and are left out: "
            + ", ".join(unreadable[:10]) + (" ..." if len(unreadable) > 10 else ""))


def train_type(doc_type: DocumentType, documents: list[Labelled], runtime, *,
               target_precision: float = TARGET_PRECISION) -> Outcome:
    """Train a new version on most documents, compare it with the promoted one on the rest, promote if not worse.
    Its thresholds are fitted for ``target_precision`` out of fold."""
    with store.training_lock(doc_type.name):
        return _train_and_compare(doc_type, documents, runtime, target_precision)


def promoted_thresholds(thresholds: dict, outgoing: Specialist | None, fitted: dict) -> dict:
    """A type's thresholds once a new version is promoted: ``fitted`` for the fields it ranks; for a field the outgoing
    version ranked and the new one leaves to the rules or zero-shot, none (the schema's applies: a threshold fitted for
    a ranker's confidence says nothing of theirs); every other field keeps its own (one ``calibrate`` set, say)."""
    left = set(outgoing.rankers) - set(fitted) if outgoing is not None else set()
    return {**{name: value for name, value in thresholds.items() if name not in left}, **fitted}


def _train_and_compare(doc_type: DocumentType, documents: list[Labelled], runtime, target_precision: float) -> Outcome:
    started = time.perf_counter()
    spec = doc_type.to_spec()
    held_back = [d for i, d in enumerate(documents) if i % HOLD_BACK == HOLD_BACK - 1]
    training = [d for i, d in enumerate(documents) if i % HOLD_BACK != HOLD_BACK - 1]
    version = store.next_version(spec.name)
    specialist, report = train(spec, training, runtime, version=version, target_precision=target_precision)
    new_score = measure(spec, held_back, runtime, specialist)["accuracy"]
    current = store.load_promoted(spec.name)
    current = current if current is not None and not isinstance(current, Exception) else None
    # With no version in use, the first must do as well as what extracts the type now: zero-shot (at 10
    # and 25 labelled receipts a specialist was below it), or a shipped type's dedicated rules.
    in_use = current.version if current is not None else ("rules" if has_rules(spec.name) else "zero-shot")
    old_score = measure(spec, held_back, runtime, current)["accuracy"]
    promoted = new_score >= old_score
    specialist.meta.update({"held_back": len(held_back), "held_back_accuracy": round(new_score, 4),
                            "target_precision": target_precision,
                            "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                            "status": "promoted" if promoted else "rejected"})
    store.save(specialist)
    with transaction.atomic():
        if promoted:
            store.promote(spec.name, version)
            # Calibration: each field's threshold for the target precision, from out-of-fold predictions.
            doc_type.thresholds = promoted_thresholds(doc_type.thresholds, current, report.thresholds())
            doc_type.save(update_fields=["thresholds"])
            # The classifier learns the type from the same documents (their redacted text).
            ExampleDocument.objects.filter(doc_type=doc_type, source=ExampleDocument.Source.TRAINING).delete()
            ExampleDocument.objects.bulk_create(
                ExampleDocument(doc_type=doc_type, text=d.doc.safe_window(0, 4000), source=ExampleDocument.Source.TRAINING)
                for d in documents)
        record("specialist_trained", outcome="promoted" if promoted else "rejected",
               system={"model": f"specialist:{spec.name}", "version": version, "quantisation": "none", "device": "cpu"},
               details={"doc_type": spec.name, "documents": len(training), "held_back": len(held_back),
                        "cv_accuracy": round(report.accuracy, 4), "held_back_accuracy": round(new_score, 4),
                        "previous": in_use, "previous_held_back_accuracy": round(old_score, 4)})
    return Outcome(version, report, promoted, new_score, current.version if current else None, old_score,
                   time.perf_counter() - started, in_use)


__all__ = ["GoldError", "Outcome", "TrainingError", "load_documents", "read_gold", "train_type", "unreadable_message"]
