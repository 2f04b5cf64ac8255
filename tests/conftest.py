"""Shared fixtures: users of each role, API clients, an isolated storage directory."""
import os

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from django.apps import apps as django_apps
from django.core.management import call_command
from django.test import Client

from appliance.documents.accounts import create_user
from appliance.documents.doctypes import sync_default_types
from appliance.documents.models import DocumentType
from appliance.documents.roles import sync_role_groups
from audit.testing import audit_tables_flushable  # noqa: F401  (transactional tests may flush the audit log)
from extraction.pii.vault import ENV_KEY, generate_key
from tests.fields.general.notices import TYPE, write_type_file

# The suite's own PII key, never a running appliance's var/pii.key; the workers it starts inherit it.
os.environ[ENV_KEY] = generate_key()


@pytest.fixture(autouse=True)
def isolated_storage(settings, tmp_path):
    """Originals of each test go to their own directory."""
    settings.MEDIA_ROOT = settings.STORAGE_DIR = tmp_path / "storage"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def audit_key(tmp_path, monkeypatch):
    """Each test signs the audit chain with a fresh key outside the database, in its own directory."""
    key_dir = tmp_path / "audit-key"
    monkeypatch.setenv("COLONY_AUDIT_SIGNING_KEY", str(key_dir / "signing.pem"))
    monkeypatch.setenv("COLONY_AUDIT_HEADS_FILE", str(key_dir / "heads.jsonl"))
    return key_dir


@pytest.fixture(autouse=True)
def isolated_specialists(tmp_path, monkeypatch):
    """Specialists a test trains go to its own directory, never the appliance's models directory."""
    monkeypatch.setenv("COLONY_SPECIALISTS_DIR", str(tmp_path / "specialists"))
    return tmp_path / "specialists"


@pytest.fixture
def doc_types(db):
    """The shipped document types in the database (transactional tests flush what the migrations made)."""
    sync_default_types(django_apps)


@pytest.fixture
def make_user(db):
    # Transactional tests flush the tables after each test, the migrations' data included: recreate it.
    sync_role_groups(django_apps)
    sync_default_types(django_apps)

    def make(role, username=None, team="default"):
        user, _ = create_user(username or f"{role}-{team}", role, team=team, password="pw-for-tests-1")
        return user

    return make


@pytest.fixture
def clerk(make_user):
    return make_user("clerk")


@pytest.fixture
def client_for():
    """A browser-like client logged in as ``user``."""
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client():
    def client_for(user):
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def notice_type(tmp_path, doc_types):
    """The parking-notice type (tests/fields/general/notices.py), imported as an admin would."""
    call_command("import_type", str(write_type_file(tmp_path / "types.json")))
    return DocumentType.objects.get(name=next(iter(TYPE)))
