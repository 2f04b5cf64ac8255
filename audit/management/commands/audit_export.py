from datetime import datetime, time, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit import export
from audit.events import record, sha256_bytes


def _day(text):
    try:
        return timezone.make_aware(datetime.combine(datetime.strptime(text, "%Y-%m-%d").date(), time.min))
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = "Export the audit events of a period (start and end days included) with a detached signature (OUTPUT.sig)."

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--format", choices=export.FORMATS, default="jsonl")
        parser.add_argument("--output", required=True)

    def handle(self, start, end, format, output, **options):
        start_at, end_at = _day(start), _day(end) + timedelta(days=1)
        data, count = export.render(export.events_between(start_at, end_at), format)
        signature = export.sign(data)
        path = Path(output)
        path.write_bytes(data)
        path.with_name(path.name + ".sig").write_text(signature + "\n", encoding="ascii")
        record("audit_exported", inputs_sha256={"export": sha256_bytes(data)}, outcome="ok", reason="command",
               details={"format": format, "events": count, "start": start, "end": end})
        self.stdout.write(f"{count} event(s) written to {path}, signature in {path.name}.sig")
