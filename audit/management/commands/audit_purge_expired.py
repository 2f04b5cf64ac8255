from django.core.management.base import BaseCommand

from audit.retention import purge_expired


class Command(BaseCommand):
    help = "Purge documents past their retention period (settings.COLONY_RETENTION_DAYS) now, as the scheduled task does."

    def handle(self, **options):
        self.stdout.write(f"{purge_expired()} document(s) purged")
