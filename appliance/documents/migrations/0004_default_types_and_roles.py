from django.db import migrations


def load_default_types(apps, schema_editor):
    from appliance.documents.doctypes import load_default_types as load

    load(apps)


def sync_roles(apps, schema_editor):
    from appliance.documents.roles import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_doc_types_fields_pii"), ("audit", "0002_auditor_permissions")]

    operations = [
        migrations.RunPython(load_default_types, migrations.RunPython.noop),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
