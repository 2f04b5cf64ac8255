from django.db import migrations


def give_roles_audit_permissions(apps, schema_editor):
    from appliance.documents.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    # documents.0002 may have run before this app's tables existed, leaving the
    # audit permissions out of the role groups: sync again now that they exist.
    dependencies = [
        ("audit", "0001_initial"),
        ("documents", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(give_roles_audit_permissions, migrations.RunPython.noop)]
