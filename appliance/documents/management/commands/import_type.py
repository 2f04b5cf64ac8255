"""python manage.py import_type FILE.json: create or update document types from a JSON file."""
from django.core.management.base import BaseCommand, CommandError

from appliance.documents.type_import import TypeImportError, import_types, read_type_file
from audit.events import record


class Command(BaseCommand):
    help = "Create or update document types from a JSON object shaped like extraction/doctypes/default_types.json."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        try:
            outcomes = import_types(read_type_file(file))
        except TypeImportError as exc:
            raise CommandError(str(exc)) from None
        for name, outcome in outcomes:
            record("document_type_imported", details={"doc_type": name, "outcome": outcome})
            self.stdout.write(f"{name}: {outcome}")
