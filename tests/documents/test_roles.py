"""Each role gets exactly what it should, in the API and in the web UI."""
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from appliance.documents.models import Document
from appliance.documents.roles import ROLES

CAN_UPLOAD = {"clerk": True, "reviewer": False, "auditor": False, "admin": True}
SEES_OTHER_TEAMS = {"clerk": False, "reviewer": False, "auditor": True, "admin": True}


@pytest.fixture
def documents_of_two_teams(make_user, api_client):
    ours = api_client(make_user("clerk", username="our-clerk", team="ours"))
    theirs = api_client(make_user("clerk", username="their-clerk", team="theirs"))
    mine = ours.post("/api/v1/documents/", {"file": SimpleUploadedFile("a.txt", b"ours")}, format="multipart")
    other = theirs.post("/api/v1/documents/", {"file": SimpleUploadedFile("b.txt", b"theirs")}, format="multipart")
    return mine.json()["id"], other.json()["id"]


def test_migration_creates_every_role_group(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_upload_permission_per_role(role, make_user, api_client):
    client = api_client(make_user(role, team="ours"))
    response = client.post("/api/v1/documents/", {"file": SimpleUploadedFile("x.txt", b"x")}, format="multipart")
    assert response.status_code == (202 if CAN_UPLOAD[role] else 403)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_visibility_per_role(role, make_user, api_client, documents_of_two_teams):
    ours, theirs = documents_of_two_teams
    client = api_client(make_user(role, team="ours"))
    listed = {d["id"] for d in client.get("/api/v1/documents/").json()["results"]}
    assert ours in listed
    assert (theirs in listed) is SEES_OTHER_TEAMS[role]
    assert client.get(f"/api/v1/documents/{theirs}/").status_code == (200 if SEES_OTHER_TEAMS[role] else 404)
    assert client.get(f"/api/v1/documents/{theirs}/text/").status_code == (200 if SEES_OTHER_TEAMS[role] else 404)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_web_pages_per_role(role, make_user, documents_of_two_teams):
    ours, theirs = documents_of_two_teams
    browser = Client()
    browser.force_login(make_user(role, team="ours"))
    assert browser.get("/").status_code == 200
    assert browser.get(f"/documents/{ours}/").status_code == 200
    assert browser.get(f"/documents/{theirs}/").status_code == (200 if SEES_OTHER_TEAMS[role] else 404)
    assert browser.get("/upload/").status_code == (200 if CAN_UPLOAD[role] else 403)
    assert browser.get("/admin/").status_code == (200 if role == "admin" else 302)


@pytest.mark.django_db
def test_user_without_a_role_sees_nothing(api_client, documents_of_two_teams):
    nobody = get_user_model().objects.create_user("nobody", password="pw-for-tests-1")
    assert api_client(nobody).get("/api/v1/documents/").status_code == 403
    browser = Client()
    browser.force_login(nobody)
    assert browser.get("/").status_code == 403


@pytest.mark.django_db
def test_anonymous_web_visitors_are_sent_to_login():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_create_user_command_assigns_exactly_one_role(capsys):
    from django.core.management import call_command

    call_command("create_user", "carol", "--role", "reviewer", "--team", "ops")
    out = capsys.readouterr().out
    assert "password:" in out
    carol = get_user_model().objects.get(username="carol")
    assert list(carol.groups.values_list("name", flat=True)) == ["reviewer"]
    assert carol.membership.team.name == "ops"
    assert not carol.has_perm("documents.add_document")
    assert Document.objects.count() == 0
