from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit import export


class Command(BaseCommand):
    help = "Check an audit export against its detached signature (and, for JSON Lines, every event hash)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--signature", help="default: PATH.sig")
        parser.add_argument("--public-key", help="PEM file; default: this appliance's audit key")

    def handle(self, path, signature, public_key, **options):
        data = Path(path).read_bytes()
        signature_text = Path(signature or f"{path}.sig").read_text(encoding="ascii")
        public_pem = Path(public_key).read_bytes() if public_key else None
        if not export.verify(data, signature_text, public_pem):
            raise CommandError("signature INVALID: the export was changed or was not signed by this key")
        if path.endswith(".jsonl"):
            broken = export.check_jsonl_hashes(data)
            if broken is not None:
                raise CommandError(f"event #{broken} in the export does not match its hash")
        self.stdout.write("signature valid")
