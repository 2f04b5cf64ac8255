"""/api/v1/document-types/: every role reads the types; only admins create or update them, with the
same checks as import_type, all-or-nothing, and an audit event."""
import json

import pytest

from appliance.documents.models import DocumentType
from audit.models import AuditEvent
from tests.fields.general.notices import TYPE

pytestmark = pytest.mark.django_db
URL = "/api/v1/document-types/"


def post(client, data):
    return client.post(URL, data=json.dumps(data), content_type="application/json")


def test_every_role_reads_the_types_and_anonymous_is_refused(make_user, api_client):
    for role in ("clerk", "reviewer", "auditor", "admin"):
        response = api_client(make_user(role)).get(URL)
        assert response.status_code == 200, role
        names = [item["name"] for item in response.json()]
        assert "receipt" in names and "nda" in names
    assert api_client(None).get(URL).status_code == 401
    one = api_client(make_user("clerk")).get(URL + "receipt/").json()
    assert one["schema"]["properties"]["total"] and one["specialist"] is None


def test_admin_creates_then_updates_a_type(make_user, api_client):
    admin = api_client(make_user("admin"))
    response = post(admin, TYPE)
    assert response.status_code == 200
    assert response.json() == {"types": [{"name": "parking_notice_t", "outcome": "created"}]}
    assert DocumentType.objects.get(name="parking_notice_t").schema == TYPE["parking_notice_t"]["schema"]

    changed = {**TYPE["parking_notice_t"], "description": "A parking fine."}
    response = admin.put(URL + "parking_notice_t/", data=json.dumps(changed), content_type="application/json")
    assert response.json() == {"types": [{"name": "parking_notice_t", "outcome": "updated"}]}
    assert DocumentType.objects.get(name="parking_notice_t").description == "A parking fine."
    events = AuditEvent.objects.filter(kind="document_type_imported").order_by("id")
    assert [event.details["outcome"] for event in events] == ["created", "updated"]
    assert all(event.actor_user_id is not None for event in events)


@pytest.mark.parametrize("role", ["clerk", "reviewer", "auditor"])
def test_other_roles_may_not_write(make_user, api_client, role):
    response = post(api_client(make_user(role)), TYPE)
    assert response.status_code == 403
    assert not DocumentType.objects.filter(name="parking_notice_t").exists()


@pytest.mark.parametrize("body, message", [
    ("[]", "JSON object of types"),
    ('{"t1": {"label": "T", "description": "d"}}', "missing schema"),
    ('{"t1": {"label": "T", "description": "d", "schema": {"type": "object", "properties": '
     '{"f": {"x-validators": ["no_such_check"]}}}}}', "unknown validator"),
    ("{not json", "JSON parse error"),
    ("[" * 5000 + "]" * 5000, "nested too deeply"),
])
def test_a_bad_body_is_refused_with_its_reason_and_nothing_is_written(make_user, api_client, body, message):
    good = '{"good_one": {"label": "G", "description": "g", "schema": {"type": "object", "properties": {}}}, '
    if body.startswith('{"t1"'):
        body = good + body[1:]  # a good type beside the bad one is not written either
    before = DocumentType.objects.count()
    response = api_client(make_user("admin")).post(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    assert message in json.dumps(response.json())
    assert DocumentType.objects.count() == before
