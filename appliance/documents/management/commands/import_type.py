"""python manage.py import_type FILE.json: create or update document types from a JSON file."""
from django.core.management.base import BaseCommand, CommandError

from appliance.documents.models import DocumentType
from appliance.documents.type_import import TypeImportError, import_types, read_type_file
from audit.events import record
from extraction.batch import runtime_or_none
from extraction.fields.general import field_kinds, field_readings


class Command(BaseCommand):
    help = "Create or update document types from a JSON object shaped like extraction/doctypes/default_types.json."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        try:
            outcomes = import_types(read_type_file(file))
        except TypeImportError as exc:
            raise CommandError(str(exc)) from None
        runtime = runtime_or_none()
        for name, outcome in outcomes:
            record("document_type_imported", details={"doc_type": name, "outcome": outcome})
            self.stdout.write(f"{name}: {outcome}")
            # How the general extractor will read each field: a plain string's kind comes from its description.
            spec = DocumentType.objects.get(name=name).to_spec()
            described = {f.name for f in spec.fields if f.description.strip()}
            readings = field_readings(spec, runtime)  # names or an address; an amount before tax
            for field, (kind, stated) in field_kinds(spec, runtime).items():
                how = ("stated in the schema" if stated else "no description to read" if field not in described
                       else "read from its description" if runtime is not None else "no models built to read its description")
                reading = f", {readings[field]}" if field in readings else ""
                self.stdout.write(f"  {field}: {kind.value}{reading} ({how})")
