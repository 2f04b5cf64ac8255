"""The chain: links, hashes, canonical values that survive the database, and concurrent appends."""
import threading
from decimal import Decimal

import pytest
from django.db import connection

from audit import chain
from audit.events import append, build, record
from audit.models import AuditEvent
from audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def _full_event(document):
    return record(
        "field_extracted",
        document=document,
        system={"model": "qwen2.5-3b-instruct", "version": "2024-09", "quantisation": "int8", "device": "cpu"},
        field="invoice_total",
        inputs_sha256={"text": "a" * 64, "prompt": "b" * 64},
        prompt_template="extract_invoice",
        prompt_version="3",
        candidates=[{"value": "1,200.00", "score": 0.912345678}, {"value": "120.00", "score": 0.1}],
        evidence=[{"page": 1, "start": 35, "end": 43, "field": "invoice_total"}],
        validators=[{"name": "amount_format", "ok": True}],
        details={"nested": {"k": [1, 2.5, None, True]}},
        confidence=0.9123456789,
        route="auto_accept",
        reason="all_fields_valid",
        outcome="ok",
        latency_ms=812,
        tokens=412,
        cost=Decimal("0.0004123"),
    )


def test_events_link_into_a_chain_that_verifies(make_document):
    document = make_document()
    first = record("document_received", document=document, inputs_sha256={"file": document.sha256})
    second = _full_event(document)
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    result = verify_chain()
    assert result.ok, result.message
    assert result.head_seq == second.seq


def test_events_appended_together_take_consecutive_places_in_one_write(make_document, django_assert_max_num_queries):
    document = make_document()
    before = record("document_received", document=document, inputs_sha256={"file": document.sha256})
    events = [build("field_extracted", document=document, field=name, confidence=0.9) for name in ("total", "date", "vendor")]
    # The lock, the head, one insert for all three (and the transaction around them, where there is none).
    with django_assert_max_num_queries(5):
        append(*events)
    stored = list(AuditEvent.objects.filter(seq__gt=before.seq).order_by("seq"))
    assert [e.field for e in stored] == ["total", "date", "vendor"]
    assert [e.seq for e in stored] == [before.seq + 1, before.seq + 2, before.seq + 3]
    assert stored[0].prev_hash == before.hash and stored[1].prev_hash == stored[0].hash
    result = verify_chain()
    assert result.ok, result.message


def test_hash_read_back_from_the_database_matches(make_document):
    """jsonb reorders keys and reformats numbers; the hash must not care."""
    event = _full_event(make_document())
    stored = AuditEvent.objects.get(pk=event.pk)
    assert chain.event_hash(stored) == event.hash == stored.hash
    assert stored.cost == Decimal("0.000412")


def test_first_event_links_to_genesis(db):
    if AuditEvent.objects.exists():
        pytest.skip("the log is not empty in this database")
    assert record("login_failed").prev_hash == chain.GENESIS_HASH


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_do_not_fork_the_chain():
    errors, per_thread = [], 10

    def worker():
        try:
            for _ in range(per_thread):
                record("login_failed", outcome="denied")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 4 * per_thread + 1))
    assert verify_chain().ok
