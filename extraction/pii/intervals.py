"""A union of character ranges, kept sorted, so that finding those a range overlaps takes O(log n).

A long page holds tens of thousands of spans; comparing each new one with all kept ones
(quadratic) took minutes on a 1,000,000-character page.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right


class DisjointSpans:
    """The characters covered by some (start, end) ranges, as sorted ranges that never overlap."""

    def __init__(self, ranges=()):
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in ranges:
            self.add(start, end)

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """The covered ranges that share at least one character with [start, end)."""
        # Disjoint ranges sorted by start are sorted by end too: only the one before
        # the first start >= ``start`` can reach into the range from the left.
        i = max(bisect_right(self._starts, start) - 1, 0)
        found = []
        while i < len(self._starts) and self._starts[i] < end:
            if self._ends[i] > start:
                found.append((self._starts[i], self._ends[i]))
            i += 1
        return found

    def covers_any(self, start: int, end: int) -> bool:
        return bool(self.overlapping(start, end))

    def add(self, start: int, end: int) -> None:
        """Cover [start, end) too; ranges it overlaps become one."""
        for s, e in self.overlapping(start, end):
            start, end = min(start, s), max(end, e)
        lo = bisect_left(self._starts, start)
        hi = bisect_left(self._starts, end)
        self._starts[lo:hi] = [start]
        self._ends[lo:hi] = [end]
