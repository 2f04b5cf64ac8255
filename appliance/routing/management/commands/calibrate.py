import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from appliance.routing import calibration as cal


class Command(BaseCommand):
    help = (
        "Set each field's confidence threshold to reach a target auto-precision, from labelled documents: "
        "a gold file and a process_folder prediction file (--gold/--pred), or by default the fields people reviewed. "
        "Prints and stores the curve of automation against precision; writes the thresholds to the document types "
        "unless --dry-run. --apply-to/--out re-decides a prediction file with the new thresholds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--gold", type=Path, help="Gold labels, one JSON line per document (../shared/eval format).")
        parser.add_argument("--pred", type=Path, help="Predictions for the same documents (process_folder output).")
        parser.add_argument("--target", type=float, default=cal.DEFAULT_TARGET, help="Auto-precision per field (default 0.99).")
        parser.add_argument("--min-samples", type=int, default=cal.DEFAULT_MIN_SAMPLES,
                            help="Fields with fewer labelled values that could be accepted keep their threshold.")
        parser.add_argument("--objective", choices=cal.OBJECTIVES, default="field",
                            help="field: every field reaches --target (default); overall: the most values accepted "
                                 "while all fields together reach --target.")
        parser.add_argument("--z", type=float, default=cal.DEFAULT_Z,
                            help="Ask the Wilson lower bound of precision, z standard deviations down, to reach the "
                                 "target (0: the observed precision). Guards against thresholds that only fit the "
                                 f"labelled set; default {cal.DEFAULT_Z}.")
        parser.add_argument("--dry-run", action="store_true", help="Store nothing and write no thresholds.")
        parser.add_argument("--apply-to", type=Path, help="A prediction file to decide again with the new thresholds.")
        parser.add_argument("--out", type=Path, help="Where --apply-to writes the re-decided predictions.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON instead of tables.")

    def handle(self, *args, gold, pred, target, min_samples, dry_run, apply_to, out, objective="field", z=None, **options):
        z = cal.DEFAULT_Z if z is None else z
        gold, pred, apply_to, out = (Path(p) if p else None for p in (gold, pred, apply_to, out))
        if not 0 < target <= 1:
            raise CommandError("--target must be in (0, 1].")
        if bool(apply_to) != bool(out):
            raise CommandError("--apply-to and --out go together.")
        if bool(gold) != bool(pred):
            raise CommandError("--gold and --pred go together.")
        current = current_thresholds()
        if gold:
            for path in (gold, pred):
                if not path.is_file():
                    raise CommandError(f"{path} is not a file.")
            units = cal.units_from_files(cal.read_jsonl(gold), cal.read_jsonl(pred))
            source, detail = "gold", f"{gold.name} + {pred.name}"[:255]
        else:
            from appliance.routing.reviews import units_from_reviews

            try:
                units = units_from_reviews()
            except LookupError:
                raise CommandError(
                    "Reviewed documents cannot be used yet: the review app records no FieldCorrection. "
                    "Calibrate from a gold file with --gold GOLD.jsonl --pred PRED.jsonl."
                )
            source, detail = "reviewed", "fields settled by reviewers"
        if not units:
            raise CommandError("No labelled values to calibrate on.")

        result = cal.calibrate(units, target=target, min_samples=min_samples, current=current, objective=objective, z=z)
        if options["json"]:
            self.stdout.write(json.dumps({"overall": result.overall, "thresholds": result.thresholds,
                                          "fields": result.fields_json(), "curve": result.overall_curve}, indent=2))
        else:
            self.print_tables(result)

        if not dry_run:
            run = store(result, source, detail)
            note = self.stderr if options["json"] else self.stdout
            note.write(f"Calibration run {run.pk} stored; thresholds written to {len(result.thresholds)} document types.")
        else:
            (self.stderr if options["json"] else self.stdout).write("Dry run: nothing stored, no thresholds written.")

        if apply_to:
            thresholds = result.thresholds
            count = changed = 0
            with apply_to.open(encoding="utf-8") as source_file, out.open("w", encoding="utf-8") as sink:
                for line in source_file:
                    if not line.strip():
                        continue
                    record = json.loads(line)
                    redecided = cal.apply_thresholds(record, thresholds)
                    count += 1
                    changed += redecided is not record
                    sink.write(json.dumps(redecided, ensure_ascii=False, default=str) + "\n")
            (self.stderr if options["json"] else self.stdout).write(f"{count} predictions decided again ({changed} with calibrated fields) -> {out}")

    def print_tables(self, result):
        write = self.stdout.write
        scope = "over all fields together" if result.overall.get("objective") == "overall" else "per field"
        bound = f" (Wilson lower bound, z={result.overall.get('z')})" if result.overall.get("z") else ""
        write(f"Target auto-precision {result.target:.3f}{bound} {scope}; fields need {result.min_samples} "
              "labelled samples.")
        header = f"{'field':<32}{'samples':>8}{'gold':>6}{'before':>8}{'after':>8}{'autom.':>8}{'precis.':>9}  status"
        write(header)
        write("-" * len(header))
        for item in result.fields:
            write(
                f"{item.key:<32}{item.samples:>8}{item.gold:>6}{_t(item.previous):>8}{_t(item.threshold):>8}"
                f"{item.automation:>8.3f}{_p(item.precision):>9}  {item.status}"
            )
        o = result.overall
        write("-" * len(header))
        write(f"{'overall':<32}{'':>8}{o['gold']:>6}{'':>8}{'':>8}{o['automation']:>8.3f}{_p(o['precision']):>9}  "
              f"{o['calibrated']} calibrated, {o['unreachable']} unreachable, {o['too_few_samples']} too few samples")
        write("")
        write("Overall automation against precision (calibrated to each target):")
        write(f"{'target':>8}{'autom.':>8}{'precis.':>9}")
        for point in result.overall_curve:
            write(f"{point['target']:>8.3f}{point['automation']:>8.3f}{_p(point['precision']):>9}")


def _t(value):
    if value is None:
        return "-"
    if value >= cal.NEVER:
        return "never"
    return f"{value:.3f}"


def _p(value):
    return "-" if value is None else f"{value:.4f}"


def current_thresholds():
    """(doc_type, field) -> the threshold in force: the type's calibrated one, else the schema's or the default."""
    from appliance.documents.models import DocumentType
    from extraction.doctypes.registry import default_registry

    specs = {t.name: t.to_spec() for t in DocumentType.objects.all()}
    defaults = default_registry()

    def lookup(doc_type, name):
        spec = specs.get(doc_type) or defaults.get(doc_type)
        field = spec.field(name) if spec else None
        return field.threshold if field else None

    return lookup


def store(result, source, detail):
    """Store the run and write its thresholds into the document types, atomically."""
    from appliance.documents.models import DocumentType
    from appliance.routing.models import CalibrationRun

    with transaction.atomic():
        run = CalibrationRun.objects.create(
            target=result.target, min_samples=result.min_samples, source=source, source_detail=detail,
            curves=result.curves_json(), thresholds=result.thresholds, fields=result.fields_json(),
            overall=result.overall, applied=False,
        )
        written = 0
        for doc_type in DocumentType.objects.select_for_update().filter(name__in=list(result.thresholds)):
            doc_type.thresholds = {**(doc_type.thresholds or {}), **result.thresholds[doc_type.name]}
            doc_type.save(update_fields=["thresholds"])
            written += 1
        if written:
            run.applied = True
            run.save(update_fields=["applied"])
        _audit(run, written)
    return run


def _audit(run, written):
    try:
        from audit.events import record
    except ImportError:  # pragma: no cover - the audit app is always installed in the appliance
        return
    record(
        "thresholds_calibrated",
        details={"run": run.pk, "source": run.source, "target": run.target, "types": written,
                 "fields": sum(len(v) for v in run.thresholds.values())},
        outcome="applied" if run.applied else "stored",
    )
