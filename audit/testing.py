"""Test support: emptying the append-only audit tables, which a test-database flush cannot do.

Transactional tests (``django_db(transaction=True)``, ``live_server``) end with
a flush that deletes every row; the audit triggers refuse that for the audit
tables. ``clear_audit_log()`` drops the triggers, empties the tables and puts
the triggers back, in one transaction. Never use it outside tests.

To make every transactional test of a suite flushable, import the fixture into
its conftest.py:  ``from audit.testing import audit_tables_flushable  # noqa: F401``
"""
import pytest
from django.db import connections, transaction

from audit import triggers


def clear_audit_log(using="default"):
    connection = connections[using]
    vendor = connection.vendor
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in triggers.drop_statements(vendor):
            cursor.execute(statement)
        for table in triggers.APPEND_ONLY_TABLES:
            cursor.execute(f"DELETE FROM {table}")
        for statement in triggers.create_statements(vendor):
            cursor.execute(statement)


def is_transactional(request):
    """Whether a pytest test will end with a flush."""
    marker = request.node.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction", marker.args[0] if marker.args else False))
        or {"transactional_db", "live_server", "django_db_reset_sequences"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def audit_tables_flushable(request):
    if not is_transactional(request):
        yield
        return
    # Set the database up before this fixture, so that this teardown runs before its flush.
    request.getfixturevalue("transactional_db")
    yield
    clear_audit_log()
