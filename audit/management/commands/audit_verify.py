from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.signing import last_signed_at
from audit.verify import verify_and_store


class Command(BaseCommand):
    help = "Verify the whole audit chain and its signed heads; names the first broken link and exits 1 if any."

    def handle(self, **options):
        result = verify_and_store()
        if not result.ok:
            raise CommandError(f"audit chain BROKEN at event #{result.first_broken_seq}: {result.message}")
        signed = f", signed up to #{result.signed_seq}" if result.signed_seq else ", no signed head yet"
        self.stdout.write(f"audit chain OK: {result.events_checked} event(s){signed}{_age(last_signed_at())}")


def _age(signed_at) -> str:
    """How long ago the newest head was signed: events after it are protected by the chain alone."""
    if signed_at is None:
        return ""
    minutes = int((timezone.now() - signed_at).total_seconds() // 60)
    if minutes < 120:
        return f"; last signature {minutes} minute(s) ago"
    return f"; last signature {minutes // 60} hour(s) ago"
