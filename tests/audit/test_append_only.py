"""UPDATE and DELETE are refused by the model layer and by the database itself."""
import pytest
from django.db import DatabaseError, connection, transaction

from audit.events import record
from audit.models import AppendOnlyError, AuditEvent, ChainSignature
from audit.signing import sign_head

pytestmark = pytest.mark.django_db


def test_model_layer_refuses_changes():
    event = record("login_failed")
    event.kind = "login"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(kind="login")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_auditevent SET kind = 'login' WHERE id = %s", "DELETE FROM audit_auditevent WHERE id = %s"],
)
def test_database_refuses_raw_update_and_delete(statement):
    event = record("login_failed")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).kind == "login_failed"


def test_database_refuses_changes_to_signed_heads():
    record("login_failed")
    signature = sign_head()
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_chainsignature WHERE id = %s", [signature.pk])
    assert ChainSignature.objects.filter(pk=signature.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")
def test_postgresql_refuses_truncate():
    record("login_failed")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditevent")
