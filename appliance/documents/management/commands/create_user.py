from django.core.management.base import BaseCommand, CommandError

from appliance.documents.accounts import DEFAULT_TEAM, create_user
from appliance.documents.roles import ROLES


class Command(BaseCommand):
    help = "Create (or reset) a user with one role and a team; prints the password when it was generated."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--team", default=DEFAULT_TEAM)
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Default: a random password, printed once.")

    def handle(self, username, role, team, email, password, **options):
        try:
            user, used_password = create_user(username, role, team=team, password=password, email=email)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{user.username}: role {role}, team {team}")
        if not password:
            self.stdout.write(f"password: {used_password}")
