"""The appliance's roles are Django groups with a fixed set of permissions.

A migration creates them; ``ROLE_PERMISSIONS`` is the single place that says
what each role may do. Later issues add permissions (audit, PII reveal) here.
"""
CLERK = "clerk"
REVIEWER = "reviewer"
AUDITOR = "auditor"
ADMIN = "admin"
ROLES = (CLERK, REVIEWER, AUDITOR, ADMIN)

# (app_label, codename) pairs per role.
ROLE_PERMISSIONS = {
    CLERK: [("documents", "add_document"), ("documents", "view_document")],
    REVIEWER: [("documents", "view_document"), ("documents", "review_document")],
    AUDITOR: [("documents", "view_document"), ("documents", "view_all_documents"), ("audit", "view_auditevent")],
    ADMIN: [
        ("documents", "add_document"),
        ("documents", "view_document"),
        ("documents", "view_all_documents"),
        ("documents", "review_document"),
        ("documents", "change_document"),
        ("documents", "delete_document"),
        ("documents", "reveal_pii"),
        ("audit", "view_auditevent"),
    ],
}


def sync_role_groups(apps):
    """Create the role groups and give them exactly their permissions (migration-safe)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # A permission whose model (or Meta) is not migrated yet does not exist at this point in
    # the migration history; the migration that adds it calls this again.
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for app, code in perms:
            wanted.extend(Permission.objects.filter(content_type__app_label=app, codename=code))
        group.permissions.set(wanted)


def user_roles(user):
    """The names of the roles a user holds (superusers hold admin)."""
    if not user.is_authenticated:
        return set()
    names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    if user.is_superuser:
        names.add(ADMIN)
    return names
