"""Receipt fields: company, date, address, total — a module per field (``company``, ``dates``,
``address``, ``total``) over the shared ``lines``, ``header`` and ``scans``.

Evidence first. Every value comes from deterministic candidates found in the page text
(dates by pattern, amounts by pattern next to TOTAL / ROUNDED / NETT cues, the company by
its legal-form suffix, the address as the block of lines under the company), the rules
choose among them, the choice is normalised and grounded with the spans of the lines it
was read from. Nothing is returned that is not written in the text.

Confidence is a rule prior: high only when several independent cues agree (the TOTAL line,
CASH - CHANGE, the amount repeated; a DATE label and a time next to the only date on the
receipt; a company suffix; an address block that ends with a postcode). ``THRESHOLDS``
turns it into a status with :func:`extraction.fields.result.decide`.
"""
from __future__ import annotations

from datetime import date

from extraction.doctypes.registry import default_registry
from extraction.evidence import DocText
from extraction.fields.result import FieldResult, decide
from extraction.fields.receipt.address import extract_address
from extraction.fields.receipt.company import extract_company
from extraction.fields.receipt.dates import extract_date
from extraction.fields.receipt.lines import rounded, split_lines
from extraction.fields.receipt.scans import SCAN_MALUS, ocr_suspects, scan_like
from extraction.fields.receipt.total import (
    SLM_CANDIDATES, SLM_GATE, SLM_GATE_LOW, SLM_MAX_LINES, extract_total,
)

FIELDS = ("company", "date", "address", "total")

# The thresholds are the type's (x-threshold in extraction/doctypes/default_types.json): one place.
THRESHOLDS = default_registry()["receipt"].thresholds_by_field()


def extract(doc: DocText, runtime=None, *, today: date | None = None) -> dict[str, FieldResult]:
    today = today or date.today()
    lines = split_lines(doc)
    out: dict[str, FieldResult] = {}
    if not lines:
        return out
    company, company_index = extract_company(doc, lines)
    if company is not None:
        out["company"] = company
    address = extract_address(doc, lines, company_index)
    if address is not None:
        out["address"] = address
    found_date = extract_date(doc, lines, today)
    if found_date is not None:
        out["date"] = found_date
    total = extract_total(doc, lines, runtime)
    if total is not None:
        out["total"] = total
    if doc.read_by_ocr or scan_like(doc):
        for name, result in out.items():
            result.confidence = rounded(result.confidence - SCAN_MALUS[name])
    for name, result in out.items():
        decide(result, THRESHOLDS[name])
    return out
