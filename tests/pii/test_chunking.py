"""Long pages are analysed in overlapping windows: every entity found once, whole, wherever the cuts fall."""
import re

import pytest

from extraction.pii import chunking

STATEMENT_LINE = "2024-03-{day:02d}  Transfer to {name}, phone 555-01{n:02d}, ref 4{n:04d}  {n}.50 EUR\n"
NAMES = ["Jane Roe", "Michael Hodge", "Anna Lindqvist", "Peter Okafor"]


def _statement(lines):
    return "".join(STATEMENT_LINE.format(day=i % 28 + 1, name=NAMES[i % 4], n=i % 100) for i in range(lines))


def test_windows_cover_the_text_and_every_position_has_one_owner():
    text = ("word " * 5000) + "x" * 3000 + (" word" * 5000)
    found = chunking.windows(text, size=4000, overlap=400)
    assert found[0].start == 0 and found[-1].end == len(text)
    for before, after in zip(found, found[1:]):
        assert after.start == before.end - 400  # they overlap
        assert before.core_end == after.core_start
    for position in range(len(text)):
        assert sum(w.owns(position) for w in found) == 1
    # Cut at a space where one is near; a run with no space is cut where it must be.
    assert all(text[w.end - 1] == " " or w.end == len(text) or "x" * 10 in text[w.end - 10:w.end + 10] for w in found)


def test_a_short_text_is_one_window():
    assert chunking.windows("Jane Roe") == [chunking.Window(0, 8, 0, 8)]


def test_a_window_must_be_larger_than_twice_the_overlap():
    with pytest.raises(ValueError):
        chunking.windows("x" * 100, size=10, overlap=5)


def test_small_windows_find_what_one_window_finds(analyzer, monkeypatch):
    text = _statement(60)
    whole = analyzer.analyze(text)
    assert {s.type for s in whole} >= {"PERSON", "PHONE_NUMBER"}
    # Windows of ~1,000 characters cut the statement at many places, names and numbers included.
    monkeypatch.setattr(chunking, "WINDOW_CHARS", 1_000)
    monkeypatch.setattr(chunking, "OVERLAP_CHARS", 200)
    assert len(chunking.windows(text)) > 5
    assert analyzer.analyze(text) == whole


@pytest.mark.slow
def test_a_page_over_spacys_million_characters_is_redacted_whole(analyzer):
    text = _statement(14_000)
    assert len(text) > 1_000_000
    spans = analyzer.analyze(text)
    people = [s for s in spans if s.type == "PERSON"]
    phones = {s.start for s in spans if s.type == "PHONE_NUMBER"}
    assert len(people) == 14_000  # one per line, none lost or cut at a window's edge
    assert {text[s.start:s.end] for s in people} == set(NAMES)
    assert all(m.start() in phones for m in re.finditer(r"555-01\d\d", text))
