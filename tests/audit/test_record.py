"""record() keeps personal data out: codes only, digests for personal values, offsets for evidence."""
import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from audit.events import AuditDataError, record, sha256_text
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def stored_text(event):
    row = AuditEvent.objects.filter(pk=event.pk).values().get()
    return json.dumps(row, default=str)


def test_values_under_personal_keys_are_replaced_by_their_digest(make_document):
    event = record(
        "review_corrected",
        document=make_document(),
        field="iban",
        details={"before": "DE89 3704 0044 0532 0130 00", "after": "DE89370400440532013000", "patient": "Jane Roe"},
        candidates=[{"value": "Jane Roe", "score": 0.4}],
        personal=("patient",),
    )
    text = stored_text(event)
    assert "Jane" not in text and "DE89" not in text
    assert event.details["after"] == "sha256:" + sha256_text("DE89370400440532013000")
    assert event.candidates[0]["value"] == "sha256:" + sha256_text("Jane Roe")


@pytest.mark.parametrize(
    "fields",
    [
        {"reason": "the customer called and asked"},
        {"route": "to Jane"},
        {"outcome": "mail to jane@example.com"},
        {"details": {"note": "Patient Jane Roe, born 1970"}},
        {"evidence": [{"page": 1, "start": 0, "end": 4, "text": "Jane"}]},
        {"evidence": [{"page": 1, "start": 9, "end": 4}]},
        {"inputs_sha256": {"text": "not a digest"}},
        {"system": {"model": "m", "operator": "Jane"}},
        {"confidence": 1.5},
        {"tokens": -1},
    ],
)
def test_prose_and_bad_shapes_are_refused(fields):
    with pytest.raises(AuditDataError):
        record("field_extracted", **fields)


def test_kind_must_be_a_code():
    with pytest.raises(AuditDataError):
        record("Something happened to Jane")


def test_system_actor_and_user_actor(make_user):
    clerk = make_user("clerk")
    by_model = record("classified", system={"model": "qwen2.5-3b", "version": "1", "quantisation": "int8",
                                            "device": "cuda:0"})
    by_user = record("document_downloaded", actor=clerk)
    assert (by_model.actor_kind, by_model.model, by_model.actor_user_id) == ("system", "qwen2.5-3b", None)
    assert (by_user.actor_kind, by_user.actor_user_id) == ("user", clerk.pk)


def test_logins_and_failed_logins_are_recorded_without_the_name(make_user):
    user = make_user("clerk", username="jane.roe")
    client = Client()
    assert client.post("/login/", {"username": "jane.roe", "password": "pw-for-tests-1"}).status_code == 302
    login = AuditEvent.objects.filter(kind="login").last()
    assert login.actor_user_id == user.pk
    client.post("/login/", {"username": "jane.roe.typo", "password": "wrong"})
    failed = AuditEvent.objects.filter(kind="login_failed").last()
    assert failed.details["username_sha256"] == "sha256:" + sha256_text("jane.roe.typo")
    assert "jane" not in stored_text(failed)


def test_role_and_permission_changes_are_recorded(make_user):
    user = make_user("clerk")
    before = AuditEvent.objects.filter(kind="role_changed").count()
    user.groups.add(Group.objects.get(name="reviewer"))
    user.groups.remove(Group.objects.get(name="clerk"))
    changes = list(AuditEvent.objects.filter(kind="role_changed").order_by("seq"))[before:]
    assert [(e.outcome, e.details) for e in changes] == [
        ("add", {"user_id": user.pk, "roles": ["reviewer"]}),
        ("remove", {"user_id": user.pk, "roles": ["clerk"]}),
    ]
    group = Group.objects.get(name="reviewer")
    group.permissions.clear()
    cleared = AuditEvent.objects.filter(kind="permission_changed").last()
    assert cleared.outcome == "clear" and cleared.details["role"] == "reviewer"
    assert "documents.review_document" in cleared.details["permissions"]


def test_model_system_names_the_model_as_its_call_reported_it_or_the_rules():
    from types import SimpleNamespace

    from audit.events import RULES, model_system

    usage = SimpleNamespace(model="smollm2-135m", compute_type="int8", device="cpu")
    assert model_system(usage) == {"model": "smollm2-135m", "version": "1", "quantisation": "int8", "device": "cpu"}
    assert model_system({"model": "qwen", "device": "cuda:0"})["quantisation"] == "unknown"
    assert model_system(None) == RULES
