"""Guessing passwords and API tokens: both lock out, with the same counter and cool-off.

django-axes counts failed logins per (user name, client address) in the database, so every web
process sees the same count; after COLONY_LOGIN_FAILURE_LIMIT failures that pair is refused for
COLONY_LOGIN_LOCKOUT_MINUTES, even with the right password (429 with Retry-After). A wrong API token
counts the same way, as one pseudo user name per client address. API tokens expire after
COLONY_API_TOKEN_DAYS.
"""
from __future__ import annotations

from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import render
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header

# Every wrong token from one address counts against this one name (tokens are not user names).
TOKEN_CREDENTIALS = {"username": "<api token>"}


def client_address(request) -> str:
    """The client's address as the lockout counts it. Behind the deploy's nginx (COLONY_TLS), every
    request comes from the proxy: the address nginx appended to X-Forwarded-For is the client's (the
    entries before it are the client's own claims)."""
    if settings.COLONY_TLS:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def retry_after_seconds(request=None) -> int:
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else 0


def lockout_response(request, credentials=None, *args, **kwargs):
    """What a locked-out login gets: the login page saying so, 429 and when to try again."""
    seconds = retry_after_seconds(request)
    response = render(request, "registration/locked_out.html", {"minutes": max(1, round(seconds / 60))}, status=429)
    response["Retry-After"] = str(seconds)
    return response


class LockoutTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, with wrong tokens counted towards a lockout and expiring tokens."""

    def authenticate(self, request):
        presented = get_authorization_header(request).split()
        if not presented or presented[0].lower() != self.keyword.lower().encode():
            return None  # no token: another authentication may apply
        if not AxesProxyHandler.is_allowed(request._request, TOKEN_CREDENTIALS):
            raise exceptions.Throttled(wait=retry_after_seconds(request._request),
                                       detail="Too many requests with a wrong API token; try again later.")
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            user_login_failed.send(sender=type(self), credentials=TOKEN_CREDENTIALS, request=request._request)
            raise

    def authenticate_credentials(self, key):
        # DRF's TokenAuthentication.authenticate_credentials with a wider join: the user's team comes with the
        # token in the one query (an upload needs it, team_of; two more round-trips a request otherwise).
        try:
            token = self.get_model().objects.select_related("user__membership__team").get(key=key)
        except self.get_model().DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        user = token.user
        if token.created < timezone.now() - timedelta(days=settings.COLONY_API_TOKEN_DAYS):
            raise exceptions.AuthenticationFailed("The API token has expired; ask an admin for a new one.")
        return user, token
