"""python manage.py learning_curve NAME --docs DIR --gold GOLD.jsonl --sizes 0,10,25,50,100

How a type's extraction improves with labelled examples: for each size K, a specialist trained on
K documents (0: zero-shot, from the schema alone) is measured on documents it never saw — the
ones after the largest size — through the validation stage's own decision. Nothing is stored.
The last column ("in text") is the share of labelled values that some candidate of the document's
text holds: the most any ranking can read right (the rest differ from the text itself, such as a
scan's misread letters or a label typed otherwise).

``--held-out spread`` measures instead on documents taken evenly across the whole set, and trains on
the others in a fixed random order. Files often come in runs of one sender, so the default (the
last documents) measures on senders the smaller sizes never saw; spread measures on the mix of
senders the training documents come from, as a type's next documents usually are. Both are worth
reading: the first is the harder case.
"""
import dataclasses
import random
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from appliance.documents.models import DocumentType
from appliance.documents.specialists import GoldError, load_documents, read_gold, unreadable_message
from extraction.batch import runtime_or_none
from extraction.fields.general.training import MIN_DOCUMENTS, TrainingError, measure, train


class Command(BaseCommand):
    help = "Print accuracy, automation and auto-precision against the number of labelled examples."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--docs", type=Path, required=True)
        parser.add_argument("--gold", type=Path, required=True)
        parser.add_argument("--sizes", default="0,10,25,50,100", help="Comma-separated numbers of training documents.")
        parser.add_argument("--test", type=int, default=100, help="How many documents to measure on.")
        parser.add_argument("--held-out", choices=("last", "spread"), default="last",
                            help="Measure on the documents after the largest size (last) or on documents "
                                 "taken evenly across the set, training on the others (spread).")
        parser.add_argument("--per-field", action="store_true", help="Under each size, a line for each field.")

    def handle(self, name, docs, gold, sizes, test, held_out, per_field=False, **options):
        doc_type = DocumentType.objects.filter(name=name).first()
        if doc_type is None:
            raise CommandError(f"No document type {name!r}; create it with import_type or in the admin.")
        try:
            sizes = sorted({int(size) for size in sizes.split(",")})
        except ValueError:
            raise CommandError("--sizes must be numbers separated by commas, like 0,10,25,50.") from None
        if sizes[0] < 0 or any(0 < size < MIN_DOCUMENTS for size in sizes):
            raise CommandError(f"Each size is 0 (zero-shot) or at least {MIN_DOCUMENTS}.")
        runtime = runtime_or_none()
        if runtime is None:
            raise CommandError("The local models are not built; run: python manage.py build_models")
        try:
            rows = read_gold(gold, docs, doc_type)
        except GoldError as exc:
            raise CommandError(str(exc)) from None
        if len(rows) <= sizes[-1]:
            raise CommandError(f"{len(rows)} labelled documents: the largest size ({sizes[-1]}) leaves none to measure on.")
        if held_out == "last":
            rows = rows[:sizes[-1] + test]
        elif len(rows) < sizes[-1] + test:
            raise CommandError(f"{len(rows)} labelled documents: the largest size ({sizes[-1]}) and {test} to measure on "
                               f"need {sizes[-1] + test}.")
        documents, unreadable = load_documents(rows, docs)
        if unreadable:
            self.stderr.write(unreadable_message(unreadable))
        pool, measured = self._split(documents, sizes[-1], test, held_out)
        spec = doc_type.to_spec()
        where = " (spread across the set)" if held_out == "spread" else ""
        self.stdout.write(f"{name}: measured on {len(measured)} documents not used in training{where}")
        self.stdout.write(f"{'examples':>8}  {'accuracy':>8}  {'automation':>10}  {'auto-precision':>14}  "
                          f"{'training s':>10}  {'s/document':>10}  {'in text':>7}")
        for size in sizes:
            started = time.perf_counter()
            if size == 0:
                trained, specialist = spec, None
            else:
                try:
                    specialist, report = train(spec, pool[:size], runtime, version=f"curve-{size}")
                except TrainingError as exc:
                    raise CommandError(str(exc)) from None
                trained = dataclasses.replace(spec, thresholds={**spec.thresholds, **report.thresholds()})
            training = time.perf_counter() - started
            figures = measure(trained, measured, runtime, specialist, in_text=True)
            per_document = figures["seconds_per_document"]
            self.stdout.write(f"{size:>8}  {self._rates(figures)}  {training:>10.1f}  {per_document:>10.3f}  "
                              f"{figures['in_text']:>7.3f}")
            if per_field:
                for field, field_figures in figures["fields"].items():
                    self.stdout.write(f"  {field[:24]:<24}  {self._rates(field_figures)}  ({field_figures['values']} values, "
                                      f"{field_figures['in_text']:.3f} in the text)")

    @staticmethod
    def _rates(figures: dict) -> str:
        """Accuracy, automation and auto-precision in the table's columns."""
        precision = figures["auto_precision"]
        return (f"{figures['accuracy']:>8.3f}  {figures['automation']:>10.3f}  "
                f"{'-' if precision is None else f'{precision:.3f}':>14}")

    @staticmethod
    def _split(documents: list, largest: int, test: int, held_out: str) -> tuple[list, list]:
        """(the training pool, the documents measured)."""
        if held_out == "last":
            return documents[:largest], documents[largest:]
        step = len(documents) / test
        measured = {int(i * step) for i in range(test)}
        pool = [d for i, d in enumerate(documents) if i not in measured]
        random.Random(0).shuffle(pool)
        return pool, [documents[i] for i in sorted(measured)]
