"""Evidence highlighting for the audit timeline, over the redacted page view.

Audit evidence is (page, start, end) offsets into the original page text. The
page is shown redacted, by the documents app's renderer, which cuts the text
at redaction and evidence boundaries alike; auditors who may reveal personal
data do so from the document page, where the reveal is audited.
"""
from collections import defaultdict

from appliance.documents import redaction


def redacted_page_segments(document, evidence):
    """[(page number, pieces or None)]: pieces as documents.highlight.segments gives them, plus
    ``anchors`` (the evidence labels that start in that piece); None while a page is not yet redacted."""
    marks = defaultdict(list)
    for span in evidence:
        marks[span["page"]].append((span["start"], span["end"], span["label"]))
    redactions = redaction.redactions_by_page(document)
    result = []
    for page in document.pages.all():
        pieces = redaction.page_segments(document, page, marks[page.number], redactions=redactions)
        if pieces is None:
            result.append((page.number, None))  # never show text that has not been redacted
            continue
        seen = set()
        for piece in pieces:
            piece["anchors"] = [label for label in piece["fields"] if label not in seen]
            seen.update(piece["fields"])
        result.append((page.number, pieces))
    return result
