"""The redaction gate: the one place that decides whether a page's text may be shown.

Redaction is a gate, not a pipeline stage people wait behind: whatever a document's state
(received, failed halfway, retried), a page is shown only once PII detection has run over it,
and then only with its personal data replaced by placeholders. The original text is reachable
only through the audited reveal path (``reveal=True``, which the views grant after
``record_reveal``). Every view that renders page text (documents, review, audit, admin) asks here.
"""
from appliance.documents.highlight import segments

WITHHELD = "This page's personal data has not been redacted, so its text is withheld."


def is_redacted(document, page):
    """Whether PII detection has run over ``page`` and its redacted text is stored."""
    # PII redaction stores every page's redacted text at once, in one transaction; a non-empty
    # page whose redacted text is empty has not been through it (not yet, or it failed).
    return not page.text or bool(page.redacted_text)


def redactions_by_page(document):
    """{page number: [(start, end, placeholder)]} of the document's detected personal data."""
    by_page = {}
    for span in document.pii_spans or ():
        label = span.get("placeholder") or f"<{span['type']}>"
        by_page.setdefault(span["page"], []).append((span["start"], span["end"], label))
    return by_page


def page_segments(document, page, marks=(), *, reveal=False, redactions=None):
    """The page as highlight segments, personal data as placeholders; None when it must be withheld.

    ``reveal``: the caller has checked the permission and audited the reveal; the original is shown.
    ``redactions``: ``redactions_by_page(document)``, passed in when rendering many pages.
    """
    if reveal:
        return segments(page.text, (), marks)
    if not is_redacted(document, page):
        return None
    if redactions is None:
        redactions = redactions_by_page(document)
    return segments(page.text, redactions.get(page.number, ()), marks)


def may_show_picture(document, page, *, reveal=False):
    """Whether a picture of the original page may be shown at all (its black boxes come from the spans)."""
    return reveal or is_redacted(document, page)


def page_views(document, reveal=False):
    """Each page of ``document`` for the document page: segments with its fields' evidence marked,
    or ``withheld`` (a reason) for a page that must not be shown."""
    marks_by_page = {}
    for field in document.fields.all():
        for span in field.evidence or ():
            marks_by_page.setdefault(span["page"], []).append((span["start"], span["end"], field.name))
    redactions = redactions_by_page(document)
    views = []
    for page in document.pages.all():
        pieces = page_segments(document, page, marks_by_page.get(page.number, ()), reveal=reveal, redactions=redactions)
        views.append({"page": page, "withheld": _withheld_reason(document) if pieces is None else "", "segments": pieces or []})
    return views


def _withheld_reason(document):
    if document.status in ("received", "text_extracted"):
        return "Personal data is being redacted; the text appears once that is done."
    return WITHHELD
