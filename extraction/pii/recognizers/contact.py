"""E-mail, URL and IP address recognizers (offline public-suffix check)."""
from __future__ import annotations

import ipaddress

from ..offline import has_public_suffix
from .base import RegexRecognizer, rule


def _email_ok(value: str) -> bool:
    return has_public_suffix(value.rsplit("@", 1)[-1])


def _host_ok(value: str) -> bool:
    host = value.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return has_public_suffix(host)


def _ip_ok(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def email() -> RegexRecognizer:
    return RegexRecognizer("EMAIL_ADDRESS", [
        rule(r"(?<![\w.+-])[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", 0.9, validate=_email_ok),
    ])


def url() -> RegexRecognizer:
    return RegexRecognizer("URL", [
        # Trailing sentence punctuation is not part of the URL.
        rule(r"\b(?:https?://|www\.)[^\s<>\"'()]*[^\s<>\"'().,;:!?]", 0.85, validate=_host_ok),
        # A bare domain only counts with a path or a known public suffix; the
        # e-mail recognizer owns "x@domain".
        rule(r"(?<![@\w.-])(?:[a-z0-9-]+\.)+(?:com|org|net|edu|gov|io|co|info|biz|[a-z]{2})"
             r"(?:/[^\s<>\"']*[^\s<>\"'.,;:!?])?(?![\w@-])", 0.45, validate=_host_ok,
             context=r"\b(?:website|site|web|url|link|visit|online|at|page|homepage)\b",
             context_boost=0.3),
    ])


def ip_address() -> RegexRecognizer:
    return RegexRecognizer("IP_ADDRESS", [
        rule(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)", 0.8, validate=_ip_ok),
        rule(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])", 0.7, validate=_ip_ok),
    ])
