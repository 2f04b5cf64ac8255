"""Sensitive account events, recorded from Django's signals: logins, failed logins, role and permission changes."""
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed

from audit.events import code_or_digest, digest, record

# pre_clear, not post_clear: only before a clear can we still see what it removes.
_ACTIONS = {"post_add": "add", "post_remove": "remove", "pre_clear": "clear"}


def on_login(sender, request, user, **kwargs):
    record("login", actor=user, outcome="ok")


def _refused_while_locked_out(request) -> bool:
    """An attempt django-axes refused because the account was already locked out from that address
    (it counts the failure that locks, not those after): not recorded, so an attack cannot grow the log."""
    return bool(getattr(request, "axes_locked_out", False)) and getattr(request, "axes_failures_since_start", None) is None


def on_login_failed(sender, credentials, request=None, **kwargs):
    if _refused_while_locked_out(request):
        return
    # The attempted name may be a typo of a real one, or a password typed in the wrong box:
    # only its digest is kept, enough to see repeated attempts against one account.
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or ""
    record("login_failed", outcome="denied", details={"username_sha256": digest(username)})


def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    # Once per lockout: the failures after it are refused before they are counted or recorded, so
    # a guessing attack adds at most COLONY_LOGIN_FAILURE_LIMIT events per account and address.
    if _refused_while_locked_out(request):
        return
    record("login_locked_out", outcome="denied", details={"username_sha256": digest(username or "")})


def on_user_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in _ACTIONS:
        return
    if action == "pre_clear":
        pk_set = set(instance.user_set.values_list("pk", flat=True) if reverse else instance.groups.values_list("pk", flat=True))
    if not pk_set:
        return
    if reverse:  # group.user_set changed: instance is the group, pk_set the users
        groups, user_ids = [instance], sorted(pk_set or ())
    else:
        groups = list(Group.objects.filter(pk__in=pk_set)) if pk_set else []
        user_ids = [instance.pk]
    names = sorted(code_or_digest(group.name) for group in groups)
    for user_id in user_ids:
        record("role_changed", outcome=_ACTIONS[action], details={"user_id": user_id, "roles": names})


def on_group_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in _ACTIONS:
        return
    from django.contrib.auth.models import Permission

    if action == "pre_clear":
        pk_set = set(instance.group_set.values_list("pk", flat=True) if reverse else instance.permissions.values_list("pk", flat=True))
    if not pk_set:
        return
    if reverse:  # permission.group_set changed: instance is the permission
        groups = list(Group.objects.filter(pk__in=pk_set)) if pk_set else []
        permissions = [instance]
    else:
        groups = [instance]
        permissions = list(Permission.objects.filter(pk__in=pk_set).select_related("content_type")) if pk_set else []
    codes = sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions)
    for group in groups:
        record("permission_changed", outcome=_ACTIONS[action],
               details={"role": code_or_digest(group.name), "permissions": codes})


def connect():
    user_logged_in.connect(on_login, dispatch_uid="audit.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="audit.login_locked_out")
    m2m_changed.connect(on_user_groups_changed, sender=get_user_model().groups.through, dispatch_uid="audit.roles")
    m2m_changed.connect(on_group_permissions_changed, sender=Group.permissions.through, dispatch_uid="audit.perms")
