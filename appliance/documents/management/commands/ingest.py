from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from appliance.documents.access import team_of
from appliance.documents.ingestion import UploadRejected, ingest
from appliance.documents.models import Document


class Command(BaseCommand):
    help = "Ingest files from disk (source 'folder') as USER; each goes through the same checks as an upload."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--user", required=True, help="The account the documents are uploaded as.")

    def handle(self, paths, user, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user {user!r}; create one with `manage.py create_user`.")
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise CommandError(f"No such file or folder: {', '.join(missing)}")
        files = [p for path in paths for p in (sorted(path.rglob("*")) if path.is_dir() else [path]) if p.is_file()]
        for path in files:
            try:
                with path.open("rb") as handle:
                    result = ingest(
                        handle, filename=path.name, user=account, team=team_of(account), source=Document.Source.FOLDER
                    )
            except UploadRejected as rejected:
                self.stderr.write(f"{path}: refused: {rejected.message}")
                continue
            state = "queued" if result.created else "already present"
            self.stdout.write(f"{path}: {state} as {result.document.id}")
