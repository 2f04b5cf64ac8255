"""Who may read the routing dashboard and its API: admins and auditors, and reviewers too."""
from appliance.documents.roles import ADMIN, AUDITOR, REVIEWER, user_roles
from rest_framework.permissions import BasePermission

ALLOWED_ROLES = {ADMIN, AUDITOR, REVIEWER}


def may_view(user) -> bool:
    return bool(user and user.is_authenticated and (user_roles(user) & ALLOWED_ROLES))


class RoutingPermission(BasePermission):
    def has_permission(self, request, view):
        return may_view(request.user)
