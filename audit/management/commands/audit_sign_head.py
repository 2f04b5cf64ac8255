from django.core.management.base import BaseCommand

from audit.signing import key_path, sign_head


class Command(BaseCommand):
    help = "Sign the current audit chain head with the Ed25519 key kept outside the database."

    def handle(self, **options):
        signature = sign_head()
        if signature is None:
            self.stdout.write("nothing new to sign")
        else:
            self.stdout.write(f"signed head #{signature.seq} with key {signature.key_id[:16]} ({key_path()})")
