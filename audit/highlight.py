"""Evidence highlighting by offsets: (page, start, end) spans over a page's text.

Takes any text source keyed by page number, so the same code serves the raw
Page text today and the PII-redacted view later, as long as that view keeps
the offsets (or maps them before calling ``page_segments``).
"""
from collections import defaultdict


def segments(text, spans):
    """Split ``text`` at span edges: [{"text": str, "marks": [label, ...], "starts": [label, ...]}, ...].

    ``spans`` are (start, end, label); overlapping spans give a segment several
    marks; spans past the end of the text are clipped, never an error.
    """
    length = len(text)
    cleaned = [(max(0, min(s, length)), max(0, min(e, length)), label) for s, e, label in spans]
    cleaned = [(s, e, label) for s, e, label in cleaned if e > s]
    cuts = sorted({0, length, *(s for s, _, _ in cleaned), *(e for _, e, _ in cleaned)})
    result = []
    for left, right in zip(cuts, cuts[1:]):
        marks = [label for s, e, label in cleaned if s <= left and right <= e]
        starts = [label for s, _, label in cleaned if s == left]
        result.append({"text": text[left:right], "marks": marks, "starts": starts})
    return result


def page_segments(page_texts, evidence):
    """``page_texts``: {page number: text}; ``evidence``: dicts with page, start, end, label.

    Returns [(page number, segments)] in page order.
    """
    by_page = defaultdict(list)
    for span in evidence:
        by_page[span["page"]].append((span["start"], span["end"], span["label"]))
    return [(number, segments(text, by_page.get(number, []))) for number, text in sorted(page_texts.items())]
