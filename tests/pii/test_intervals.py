import random

from extraction.pii.intervals import DisjointSpans


def test_finds_exactly_the_ranges_that_overlap():
    spans = DisjointSpans([(0, 5), (10, 20), (30, 31)])
    assert spans.overlapping(5, 10) == []
    assert spans.overlapping(4, 11) == [(0, 5), (10, 20)]
    assert spans.overlapping(15, 16) == [(10, 20)]
    assert spans.overlapping(20, 30) == []
    assert spans.covers_any(30, 40) and not spans.covers_any(31, 40)


def test_overlapping_ranges_become_one():
    spans = DisjointSpans([(10, 20), (0, 5)])
    spans.add(4, 12)
    assert spans.overlapping(0, 100) == [(0, 20)]
    spans.add(25, 30)
    spans.add(40, 45)
    spans.add(29, 41)
    assert spans.overlapping(0, 100) == [(0, 20), (25, 45)]


def test_agrees_with_a_plain_scan():
    rng = random.Random(7)
    spans, plain = DisjointSpans(), []
    for _ in range(300):
        a = rng.randrange(1000)
        b = a + rng.randrange(1, 15)
        if not any(s < b and a < e for s, e in plain):
            plain.append((a, b))
            spans.add(a, b)
        q = rng.randrange(1000)
        r = q + rng.randrange(1, 30)
        assert spans.overlapping(q, r) == sorted((s, e) for s, e in plain if s < r and q < e)
