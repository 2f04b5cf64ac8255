"""Guessing passwords and API tokens locks out (429 with Retry-After, one audit event, a bounded
audit log), tokens expire, the API schema needs a login, and pages carry a Content-Security-Policy."""
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"


def _log_in(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_repeated_wrong_passwords_lock_the_account_out_from_that_address(make_user, settings):
    user = make_user("clerk")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _log_in(attacker, user.username, "wrong").status_code == 200  # the form again, with its error
    assert _log_in(attacker, user.username, "wrong").status_code == 429  # the last failure allowed locks
    locked = _log_in(attacker, user.username, PASSWORD)  # and then even the right password is refused
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert b"Too many failed logins" in locked.content
    for _ in range(10):  # refused before they are counted: the audit log does not grow with the attack
        assert _log_in(attacker, user.username, "wrong").status_code == 429
    assert AuditEvent.objects.filter(kind="login_failed").count() == settings.AXES_FAILURE_LIMIT
    assert AuditEvent.objects.filter(kind="login_locked_out").count() == 1
    assert user.username not in str(AuditEvent.objects.get(kind="login_locked_out").details)
    # The same account from another address is not locked.
    assert _log_in(Client(REMOTE_ADDR="198.51.100.2"), user.username, PASSWORD).status_code == 302


def test_wrong_api_tokens_lock_the_address_out(clerk, settings):
    good = Token.objects.create(user=clerk)
    guesser = APIClient(REMOTE_ADDR="203.0.113.9")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        guesser.credentials(HTTP_AUTHORIZATION=f"Token {attempt:040d}")
        assert guesser.get("/api/v1/documents/").status_code in (401, 429)
    guesser.credentials(HTTP_AUTHORIZATION=f"Token {good.key}")
    refused = guesser.get("/api/v1/documents/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["error"]["code"] == "throttled"
    other = APIClient(REMOTE_ADDR="198.51.100.3")
    other.credentials(HTTP_AUTHORIZATION=f"Token {good.key}")
    assert other.get("/api/v1/documents/").status_code == 200


def test_an_expired_api_token_is_refused(clerk, settings):
    token = Token.objects.create(user=clerk)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/documents/").status_code == 200
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=settings.COLONY_API_TOKEN_DAYS + 1))
    expired = client.get("/api/v1/documents/")
    assert expired.status_code == 401 and "expired" in expired.json()["error"]["message"]


def test_the_api_schema_and_docs_need_a_login(clerk):
    anonymous = Client()
    for path in ("/api/schema/", "/api/docs/", "/api/redoc/"):
        assert anonymous.get(path).status_code in (401, 403), path
    browser = Client()
    browser.force_login(clerk)
    assert browser.get("/api/schema/").status_code == 200


def test_pages_carry_a_content_security_policy_that_allows_only_the_appliances_scripts():
    policy = Client().get("/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "default-src 'self'" in policy


def test_behind_the_proxy_the_address_nginx_appended_is_the_clients(settings, rf):
    from appliance.security import client_address

    settings.COLONY_TLS = True
    request = rf.get("/login/", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5", REMOTE_ADDR="127.0.0.1")
    assert client_address(request) == "203.0.113.5"  # the first entry is whatever the client claimed
    settings.COLONY_TLS = False
    assert client_address(request) == "127.0.0.1"
