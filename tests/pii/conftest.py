import pytest

from extraction.pii import get_analyzer


@pytest.fixture(scope="session")
def analyzer():
    return get_analyzer()


@pytest.fixture(scope="session")
def found(analyzer):
    """found(text) -> {(type, covered text)} for the spans detected in text."""
    def run(text):
        return {(s.type, text[s.start:s.end]) for s in analyzer.analyze(text)}
    return run


@pytest.fixture(scope="session")
def covered(analyzer):
    """covered(text) -> the substrings detected, whatever their type."""
    def run(text):
        return {text[s.start:s.end] for s in analyzer.analyze(text)}
    return run
