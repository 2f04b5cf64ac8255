"""Field extraction for non-disclosure agreements: effective_date, jurisdiction, party, term.

Evidence first. Each field gathers deterministic candidates from the text with the legal
cues that introduce them ("governed by the laws of the State of X", "made as of <date> by
and between A and B", "for a period of two (2) years", defined-term parentheticals such as
``("Company")``, signature blocks), scores them, picks one, normalises it and grounds it in a
span of the evidence text. Confidence is the rule score of the chosen candidate, lowered when
other candidates disagree; nothing that is not written in the document is ever returned.

Party names are normalised the way the Kleister-NDA annotators write them: ``&`` becomes
``and``, ``Incorporated`` ``Inc.``, ``Limited`` ``Ltd.``, commas dropped, words capitalised;
``raw`` and the evidence keep the names as written.

One module a field (``dates``, ``jurisdiction``, ``parties``, ``term``); ``names`` and ``signatures``
read party names for ``parties``, ``common`` holds what several fields share, and ``slm`` the small
model's vote where the rules are unsure.
"""
from __future__ import annotations

from extraction.doctypes.registry import default_registry
from extraction.evidence import DocText
from extraction.fields.nda.dates import _choose_date, _date_candidates, _trust_letter_date
from extraction.fields.nda.jurisdiction import _choose_jurisdiction, _jurisdiction_candidates
from extraction.fields.nda.names import kleister_name
from extraction.fields.nda.parties import _party_result
from extraction.fields.nda.slm import _ASK_DATE, _ASK_TERM, _slm_choose
from extraction.fields.nda.term import _choose_term, _term_candidates
from extraction.fields.result import Candidate, FieldResult, ValidatorResult, decide

__all__ = ["FIELDS", "THRESHOLDS", "extract", "kleister_name"]

FIELDS = ("effective_date", "jurisdiction", "party", "term")

# The thresholds are the type's (x-threshold in extraction/doctypes/default_types.json): one place.
THRESHOLDS = default_registry()["nda"].thresholds_by_field()


def _single(name: str, top: Candidate, confidence: float, shown: list[dict], doc: DocText,
            method: str = "rule") -> FieldResult:
    result = FieldResult(
        name=name, value=top.value, raw=top.text, evidence=[top.span], confidence=round(confidence, 4),
        method=method, candidates=shown,
    )
    result.validators.append(ValidatorResult("grounded", doc.quote(top.span).strip() != "", top.cue))
    return result


def extract(doc: DocText, runtime=None) -> dict[str, FieldResult]:
    """The four NDA fields. ``runtime`` (``extraction.slm.runtime`` or None) lets the SLM settle close calls."""
    results: dict[str, FieldResult] = {}

    cands = _date_candidates(doc)
    _trust_letter_date(doc, cands)
    top, conf, shown = _choose_date(cands)
    top, conf, shown, method = _slm_choose(doc, cands, _ASK_DATE, runtime, top, conf, shown,
                                            THRESHOLDS["effective_date"])
    if top:
        results["effective_date"] = _single("effective_date", top, conf, shown, doc, method)

    top, conf, shown = _choose_jurisdiction(_jurisdiction_candidates(doc))
    if top:
        results["jurisdiction"] = _single("jurisdiction", top, conf, shown, doc)

    party = _party_result(doc, runtime)
    if party:
        results["party"] = party

    cands = _term_candidates(doc)
    top, conf, shown = _choose_term(cands)
    top, conf, shown, method = _slm_choose(doc, cands, _ASK_TERM, runtime, top, conf, shown, THRESHOLDS["term"])
    if top:
        results["term"] = _single("term", top, conf, shown, doc, method)

    for name, result in results.items():
        decide(result, THRESHOLDS[name])
    return results
