"""Rendering a page for people: personal data shown as placeholders, evidence marked.

Evidence offsets point into the original page text; the page is shown redacted. So
the page is cut at every boundary of both kinds of span, and each piece is either
original text, a placeholder (for a redacted piece) or either of those marked as
evidence for a field.
"""


def segments(text, redactions=(), marks=()):
    """Pieces of ``text``: dicts with ``text``, ``redacted`` (bool) and ``fields`` (names marking it).

    ``redactions``: (start, end, placeholder); ``marks``: (start, end, field name).
    """
    cuts = {0, len(text)}
    for start, end, _ in list(redactions) + list(marks):
        cuts.update((max(0, min(start, len(text))), max(0, min(end, len(text)))))
    bounds = sorted(cuts)
    pieces = []
    shown_placeholders = set()
    for start, end in zip(bounds, bounds[1:]):
        if start == end:
            continue
        redaction = next(((s, e, p) for s, e, p in redactions if s <= start and end <= e), None)
        fields = sorted({name for s, e, name in marks if s <= start and end <= e})
        if redaction:
            # A redaction cut into several pieces by evidence boundaries shows its placeholder once.
            key = (redaction[0], redaction[1])
            piece_text = "" if key in shown_placeholders else redaction[2]
            shown_placeholders.add(key)
        else:
            piece_text = text[start:end]
        if pieces and pieces[-1]["redacted"] == bool(redaction) and pieces[-1]["fields"] == fields and not redaction:
            pieces[-1]["text"] += piece_text
        elif piece_text:
            pieces.append({"text": piece_text, "redacted": bool(redaction), "fields": fields})
    return pieces
