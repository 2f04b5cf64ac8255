from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from appliance.documents.processing import type_registry
from extraction.batch import process_folder


class Command(BaseCommand):
    help = "Run the whole pipeline in-process on every file of a folder; one JSON line per file (scorer format)."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--workers", type=int, default=1, help="Processes; each loads the models once.")
        parser.add_argument("--type", dest="doc_type", help="Treat every file as this document type (no classification).")
        parser.add_argument("--llm", action="store_true",
                            help="Escalate doubtful fields to the configured larger-model tier (COLONY_LLM_*).")

    def handle(self, folder, out, workers, llm, doc_type, **options):
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        # The types as this appliance defines them (admin, import_type), with their calibrated thresholds.
        registry = type_registry()
        if doc_type is not None and doc_type not in registry:
            raise CommandError(f"No active document type {doc_type!r}; known: {', '.join(sorted(registry))}.")
        files, totals, wall = process_folder(folder, out, workers=max(1, workers), progress=lambda total: tqdm(total=total, unit="doc"),
                                            use_llm=llm, registry=registry, doc_type=doc_type)
        count = len(files)
        self.stdout.write(f"{count} documents in {wall:.1f}s: {count / wall if wall else 0:.2f} documents/s")
        for stage, seconds in totals.items():
            self.stdout.write(f"  {stage:<9} {seconds / max(count, 1) * 1000:8.1f} ms/document")
