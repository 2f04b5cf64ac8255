from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify_and_store


class Command(BaseCommand):
    help = "Verify the whole audit chain and its signed heads; names the first broken link and exits 1 if any."

    def handle(self, **options):
        result = verify_and_store()
        if not result.ok:
            raise CommandError(f"audit chain BROKEN at event #{result.first_broken_seq}: {result.message}")
        signed = f", signed up to #{result.signed_seq}" if result.signed_seq else ", no signed head yet"
        self.stdout.write(f"audit chain OK: {result.events_checked} event(s){signed}")
