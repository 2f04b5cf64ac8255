import json
import os

from django.conf import settings
from django.core.management.base import BaseCommand

from appliance.documents.accounts import create_user
from appliance.documents.roles import ROLES


class Command(BaseCommand):
    help = "Create one demo user per role (clerk, reviewer, auditor, admin) once, and print their passwords."

    def handle(self, **options):
        store = settings.VAR_DIR / "demo-users.json"
        passwords = json.loads(store.read_text()) if store.exists() else {}
        for role in ROLES:
            if role not in passwords:
                _, passwords[role] = create_user(role, role)
        fd = os.open(store, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(passwords, handle)
        for role in ROLES:
            self.stdout.write(f"  {role:<9} password {passwords[role]}")
