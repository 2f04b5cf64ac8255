"""Upgrades bring shipped document types up to date unless an admin has edited them."""
import copy

import pytest
from django.core.management import call_command

from appliance.documents.doctypes import sync_default_types
from appliance.documents.models import DocumentType
from extraction.doctypes.registry import default_types_data

pytestmark = pytest.mark.django_db


def _older(definition: dict) -> dict:
    """What an earlier release shipped: the same type with another jurisdiction threshold, no validator."""
    older = copy.deepcopy(definition)
    jurisdiction = older["schema"]["properties"]["jurisdiction"]
    jurisdiction["x-threshold"] = 0.7
    jurisdiction.pop("x-validators", None)
    return older


def _definition(row) -> dict:
    return {"label": row.label, "description": row.description, "schema": row.schema, "rules": row.rules}


def _install_older_release(row) -> dict:
    older = _older(_definition(row))
    for key, value in older.items():
        setattr(row, key, value)
    row.shipped = copy.deepcopy(older)
    row.save()
    return older


def test_migrate_leaves_every_shipped_type_as_shipped():
    call_command("migrate", verbosity=0)
    for name, spec in default_types_data().items():
        row = DocumentType.objects.get(name=name)
        assert row.schema == spec["schema"]
        assert row.shipped == _definition(row)


def test_an_unedited_type_takes_the_new_shipped_definition():
    row = DocumentType.objects.get(name="nda")
    _install_older_release(row)

    assert sync_default_types()["nda"] == "updated"
    row.refresh_from_db()
    assert row.schema == default_types_data()["nda"]["schema"]
    assert row.shipped == _definition(row)


def test_an_admins_edit_is_kept():
    row = DocumentType.objects.get(name="nda")
    _install_older_release(row)
    row.schema["properties"]["jurisdiction"]["x-threshold"] = 0.95  # the admin's own choice
    row.save()

    assert sync_default_types()["nda"] == "kept: edited by an admin"
    row.refresh_from_db()
    assert row.schema["properties"]["jurisdiction"]["x-threshold"] == 0.95
    assert "x-validators" not in row.schema["properties"]["jurisdiction"]


def test_calibrated_thresholds_are_not_an_edit_and_survive_the_upgrade():
    row = DocumentType.objects.get(name="nda")
    _install_older_release(row)
    row.thresholds = {"jurisdiction": 0.62}
    row.save()

    assert sync_default_types()["nda"] == "updated"
    row.refresh_from_db()
    assert row.thresholds == {"jurisdiction": 0.62}


def test_a_type_stored_before_shipped_existed_is_kept_and_gets_a_baseline():
    row = DocumentType.objects.get(name="nda")
    older = _install_older_release(row)
    DocumentType.objects.filter(pk=row.pk).update(shipped=None)

    assert sync_default_types()["nda"] == "baseline recorded"
    row.refresh_from_db()
    assert _definition(row) == older == row.shipped


def test_a_deleted_shipped_type_comes_back():
    DocumentType.objects.filter(name="payslip").delete()
    assert sync_default_types()["payslip"] == "created"
    assert DocumentType.objects.get(name="payslip").schema == default_types_data()["payslip"]["schema"]


def test_post_migrate_with_models_from_before_the_shipped_column_leaves_the_types_alone():
    # what `migrate documents 0004` (a roll-back) sends: the models as they were, without ``shipped``
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from appliance.documents.doctypes import sync_after_migrate

    before = MigrationLoader(connection).project_state(("documents", "0004_default_types_and_roles")).apps
    row = DocumentType.objects.get(name="nda")
    _install_older_release(row)
    sync_after_migrate(sender=None, apps=before)
    row.refresh_from_db()
    assert row.schema["properties"]["jurisdiction"]["x-threshold"] == 0.7  # not upgraded by the roll-back


def test_post_migrate_as_flush_sends_it_without_apps_brings_the_shipped_types_back():
    from appliance.documents.doctypes import sync_after_migrate

    DocumentType.objects.filter(name="receipt").delete()
    # `manage.py flush` sends post_migrate with no ``apps`` after emptying the tables
    sync_after_migrate(sender=None, app_config=None, verbosity=0, interactive=False, using="default")
    assert DocumentType.objects.get(name="receipt").shipped is not None
