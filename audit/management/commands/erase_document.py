import uuid

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from audit.events import AuditDataError
from audit.retention import erase_document


class Command(BaseCommand):
    help = (
        "Erase a document on request (e.g. a data subject's): its original, text and derived data go, "
        "its audit events stay; the erasure itself is audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("document_id")
        parser.add_argument("--reason", required=True, help="a reason code, e.g. data_subject_request or a ticket id")
        parser.add_argument("--by", help="username of the admin asking for it")

    def handle(self, document_id, reason, by, **options):
        try:
            document_id = uuid.UUID(document_id)
        except ValueError:
            raise CommandError("not a document id") from None
        actor = None
        if by:
            actor = get_user_model().objects.filter(username=by).first()
            if actor is None:
                raise CommandError("no such user")
        try:
            erased = erase_document(document_id, reason=reason, actor=actor)
        except (AuditDataError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if not erased:
            raise CommandError("no such document (already erased or purged?)")
        self.stdout.write(f"document {document_id} erased")
