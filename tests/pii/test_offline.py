"""The analyzer builds and runs with every network connection refused."""
import socket

import pytest

from extraction.pii import offline
from extraction.pii.analyzer import PiiAnalyzer


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network access attempted: {args[:2]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    offline.suffix_extractor.cache_clear()  # tldextract must be set up again under the patch
    yield
    offline.suffix_extractor.cache_clear()


def test_build_and_analyze_without_network(no_network):
    analyzer = PiiAnalyzer()
    text = "Visit https://www.example.com/contact or write to info@example.co.uk today."
    got = {(s.type, text[s.start:s.end]) for s in analyzer.analyze(text)}
    assert ("URL", "https://www.example.com/contact") in got
    assert ("EMAIL_ADDRESS", "info@example.co.uk") in got


def test_unknown_suffix_is_rejected_offline(no_network):
    assert offline.has_public_suffix("mail.example.org")
    assert not offline.has_public_suffix("printer.localdomain")
