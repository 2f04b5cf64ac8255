"""python manage.py train_type NAME --docs DIR --gold GOLD.jsonl [--limit K] [--target P]

Trains the type's specialist in the foreground, prints the cross-validated figures, and returns
once the new version is promoted (not worse than the one in use on held-back documents) or rejected.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from appliance.documents.models import DocumentType
from appliance.documents.specialists import (
    GoldError, TrainingError, load_documents, read_gold, train_type, unreadable_message,
)
from extraction.batch import runtime_or_none
from extraction.fields.general.training import NEVER, TARGET_PRECISION


class Command(BaseCommand):
    help = "Train a document type's field specialist from labelled documents."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The document type (see import_type).")
        parser.add_argument("--docs", type=Path, required=True, help="Folder of the labelled files.")
        parser.add_argument("--gold", type=Path, required=True, help='JSON lines: {"file": ..., "fields": {...}}.')
        parser.add_argument("--limit", type=int, help="Train on the first K labelled documents only.")
        parser.add_argument("--target", type=float, default=TARGET_PRECISION,
                            help=f"Auto-precision each field's threshold is fitted for, out of fold (default {TARGET_PRECISION}).")

    def handle(self, name, docs, gold, limit, target=TARGET_PRECISION, **options):
        doc_type = DocumentType.objects.filter(name=name).first()
        if doc_type is None:
            raise CommandError(f"No document type {name!r}; create it with import_type or in the admin.")
        if not docs.is_dir():
            raise CommandError(f"{docs} is not a folder.")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be a positive number of documents.")
        if not 0.5 <= target < 1:
            raise CommandError("--target must be a precision from 0.5 to below 1 (0.99: one error in a hundred values).")
        runtime = runtime_or_none()
        if runtime is None:
            raise CommandError("The local models are not built; run: python manage.py build_models")
        try:
            rows = read_gold(gold, docs, doc_type, limit)
            self.stdout.write(f"reading {len(rows)} labelled documents ...")
            documents, unreadable = load_documents(rows, docs)
            if unreadable:
                self.stderr.write(unreadable_message(unreadable))
            outcome = train_type(doc_type, documents, runtime, target_precision=target)
        except (GoldError, TrainingError) as exc:
            raise CommandError(str(exc)) from None
        report = outcome.report.as_dict()
        self.stdout.write(f"{name} {outcome.version}: {report['documents']} documents, "
                          f"cross-validated field accuracy {report['accuracy']:.3f}")
        for field, figures in report["fields"].items():
            precision = figures["auto_precision"]
            self.stdout.write(
                f"  {field:<24} accuracy {figures['accuracy']:.3f}  automation {figures['automation']:.3f}  "
                f"auto-precision {'-' if precision is None else f'{precision:.3f}'}  "
                f"candidate recall {figures['candidate_recall']:.3f}  threshold {figures['threshold']:.3f}"
                + ("" if figures["ranked_by"] == "specialist"
                   else f"  (its ranker did no better out of fold: {figures['ranked_by']} keeps it)")
                + (f"  (out of fold no confidence held {target * 100:g}% precision on enough values: its values go "
                   "to a person)" if figures["ranked_by"] == "specialist" and figures["threshold"] >= NEVER else "")
                + (f"  (a {figures['kind']} field, as its labels show; its description read otherwise)"
                   if figures["kind_from_labels"] else "")
                + ("  (its confidence read with the rules': with_rules.py)" if figures["calibrated_with_rules"] else ""))
        verdict = "promoted" if outcome.promoted else f"rejected (worse than {outcome.in_use}, in use)"
        self.stdout.write(f"held-back accuracy {outcome.new_score:.3f} (in use: {outcome.in_use} {outcome.old_score:.3f}): "
                          f"{verdict}; {outcome.seconds:.0f} s")
