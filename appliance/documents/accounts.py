"""Creating users with a role and a team (used by the create_user and demo_users commands)."""
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from appliance.documents.models import Membership, Team
from appliance.documents.roles import ADMIN, ROLES

DEFAULT_TEAM = "default"


def create_user(username, role, *, team=DEFAULT_TEAM, password=None, email=""):
    """Create or update ``username`` with exactly ``role``; returns (user, password).

    A password is generated when none is given. Admins are also Django staff
    and superusers so they can use the admin site.
    """
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    password = password or secrets.token_urlsafe(12)
    User = get_user_model()
    with transaction.atomic():
        user, _ = User.objects.get_or_create(username=username, defaults={"email": email})
        user.set_password(password)
        user.is_staff = user.is_superuser = role == ADMIN
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        team_obj, _ = Team.objects.get_or_create(name=team)
        Membership.objects.update_or_create(user=user, defaults={"team": team_obj})
    return user, password
