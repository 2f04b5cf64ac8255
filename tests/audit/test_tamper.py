"""An attacker with the database owner's rights: drops the trigger, edits, deletes, rewrites. Verify notices."""
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit import chain, signing, triggers
from audit.events import record
from audit.models import AuditEvent
from audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def as_owner(*statements):
    """Run SQL with the append-only triggers dropped, then put them back, as an owner could."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for statement in triggers.drop_statements(vendor):
            cursor.execute(statement)
        for statement, params in statements:
            cursor.execute(statement, params)
        for statement in triggers.create_statements(vendor):
            cursor.execute(statement)


def some_events(count=5):
    return [record("login_failed", outcome="denied", details={"attempt": i}) for i in range(count)]


def test_an_edited_event_is_named():
    events = some_events()
    target = events[2]
    as_owner(("UPDATE audit_auditevent SET outcome = 'ok' WHERE id = %s", [target.pk]))
    result = verify_chain()
    assert not result.ok
    assert result.first_broken_seq == target.seq
    assert result.problem == "hash_mismatch"
    assert f"#{target.seq}" in result.message


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link():
    events = some_events()
    target = events[1]
    target.outcome = "ok"
    forged = chain.event_hash(target)
    as_owner(("UPDATE audit_auditevent SET outcome = 'ok', hash = %s WHERE id = %s", [forged, target.pk]))
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.problem) == (False, events[2].seq, "broken_link")


def test_a_deleted_event_in_the_middle_is_named():
    events = some_events()
    as_owner(("DELETE FROM audit_auditevent WHERE id = %s", [events[3].pk]))
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.problem) == (False, events[3].seq, "missing_event")


def test_dropping_the_last_event_is_caught_by_the_signed_head():
    events = some_events()
    signing.sign_head()
    assert verify_chain().ok
    as_owner(("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk]))
    result = verify_chain()
    assert (result.ok, result.problem) == (False, "signed_head_missing")
    assert f"#{events[-1].seq}" in result.message


def _rewrite_whole_chain(change_seq):
    """Rewrite every event from the start with fresh, self-consistent hashes, changing one of them."""
    statements, prev = [], chain.GENESIS_HASH
    for event in AuditEvent.objects.order_by("seq"):
        if event.seq == change_seq:
            event.outcome = "ok"
        event.prev_hash = prev
        event.hash = chain.event_hash(event)
        statements.append(
            ("UPDATE audit_auditevent SET outcome = %s, prev_hash = %s, hash = %s WHERE id = %s",
             [event.outcome, event.prev_hash, event.hash, event.pk])
        )
        prev = event.hash
    # Hashes are unique: clear them first so the rewrite does not collide with itself.
    as_owner(("UPDATE audit_auditevent SET hash = 'x' || id", []), *statements)


def test_a_rewritten_table_is_caught_by_the_signed_head():
    events = some_events()
    signing.sign_head()
    _rewrite_whole_chain(events[1].seq)
    result = verify_chain()
    assert (result.ok, result.problem) == (False, "signed_head_mismatch")
    assert result.first_broken_seq == events[-1].seq


def test_deleting_the_signature_rows_too_is_caught_by_the_copy_outside_the_database():
    events = some_events()
    signing.sign_head()
    _rewrite_whole_chain(events[1].seq)
    as_owner(("DELETE FROM audit_chainsignature", []))
    result = verify_chain()
    assert (result.ok, result.problem) == (False, "signed_head_mismatch")


def test_a_forged_signature_is_refused(audit_key):
    some_events(2)
    signing.sign_head()
    path = signing.heads_path()
    entry = json.loads(path.read_text().splitlines()[-1])
    entry.update(seq=entry["seq"] + 1, signature=entry["signature"][::-1])
    path.write_text(path.read_text() + json.dumps(entry) + "\n")
    result = verify_chain()
    assert (result.ok, result.problem) == (False, "bad_signature")


def test_the_command_names_the_first_broken_link(capsys):
    events = some_events()
    call_command("audit_verify")
    assert "audit chain OK" in capsys.readouterr().out
    as_owner(("UPDATE audit_auditevent SET outcome = 'ok' WHERE id = %s", [events[0].pk]))
    with pytest.raises(CommandError, match=f"event #{events[0].seq}"):
        call_command("audit_verify")


def test_the_head_is_signed_every_n_events_once_they_are_committed(settings, django_capture_on_commit_callbacks):
    settings.COLONY_AUDIT_SIGN_EVERY = 4
    events = []
    for _ in range(10):  # each in its own transaction, as the pipeline's stages record them
        with django_capture_on_commit_callbacks(execute=True):
            events += some_events(1)
    assert [head["seq"] for head in signing.signed_heads() if head["source"] == "table"] == [events[3].seq, events[7].seq]
    # Dropping the last events after the eighth is no longer silent, without waiting for the hourly signature.
    as_owner(("DELETE FROM audit_auditevent WHERE seq > %s", [events[6].seq]))
    assert (verify_chain().ok, verify_chain().problem) == (False, "signed_head_missing")


def test_the_head_is_signed_hourly_and_the_command_says_how_old_the_last_signature_is(settings, capsys):
    assert settings.CELERY_BEAT_SCHEDULE["audit-sign-head"]["schedule"] == 3600
    some_events()
    call_command("audit_verify")
    assert "no signed head yet" in capsys.readouterr().out
    call_command("audit_sign_head")
    call_command("audit_verify")
    assert "last signature 0 minute(s) ago" in capsys.readouterr().out
