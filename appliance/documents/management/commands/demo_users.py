import json
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from appliance.documents.accounts import create_user
from appliance.documents.roles import ROLES


class Command(BaseCommand):
    help = "Create one demo user per role (clerk, reviewer, auditor, admin) once, and print their passwords."

    def handle(self, **options):
        store = settings.VAR_DIR / "demo-users.json"
        passwords = json.loads(store.read_text()) if store.exists() else {}
        User = get_user_model()
        for role in ROLES:
            user = User.objects.filter(username=role).first()
            # Create missing users, and repair ones whose stored password no longer matches
            # (e.g. after the database was reset but var/demo-users.json kept).
            if user is None or role not in passwords or not user.check_password(passwords[role]):
                _, passwords[role] = create_user(role, role, password=passwords.get(role))
        fd = os.open(store, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(passwords, handle)
        for role in ROLES:
            self.stdout.write(f"  {role:<9} password {passwords[role]}")
