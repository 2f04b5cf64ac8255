"""The document pipeline after text extraction, as plain functions: PII, classification,
field extraction, validation. The Celery stages and ``process_folder`` both call these,
so a document is processed the same way in a worker and in a batch.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from extraction.doctypes.registry import OTHER, TypeRegistry, default_registry
from extraction.evidence import DocText
from extraction.fields.registry import extract_fields
from extraction.fields.result import FieldResult
from extraction.slm.metered import MeteredRuntime
from extraction.validation.decision import DocumentStatus, document_status
from extraction.validation.validate import DocumentValidation, validate_document


@dataclass
class Classified:
    doc_type: str
    confidence: float
    method: str
    scores: dict = field(default_factory=dict)
    usage: list = field(default_factory=list)


@dataclass
class PipelineResult:
    doc_type: str
    doc_type_confidence: float
    classification: Classified
    fields: dict[str, FieldResult]
    validation: DocumentValidation
    pii: list = field(default_factory=list)  # PagePiiSpan
    timings: dict[str, float] = field(default_factory=dict)
    usage: list = field(default_factory=list)  # runtime Usage of every model call, all stages


def find_pii(doc: DocText) -> list:
    """Detect personal data page by page and attach it to ``doc`` so model prompts can be redacted."""
    from extraction.pii import detect_pages

    spans = detect_pages(doc.pages)
    doc.set_pii((s.page, s.start, s.end, s.type) for s in spans)
    return spans


def classifier_text(doc: DocText) -> str:
    """The text the classifier sees: redacted, as names and numbers say little about a document's kind."""
    return doc.safe_window(0, len(doc.text))


def classify(doc: DocText, *, runtime=None, extra_examples=()) -> Classified:
    from extraction import classify as classifier

    outcome = classifier.classify(classifier_text(doc), runtime=runtime, extra_examples=extra_examples)
    return Classified(outcome.doc_type, float(outcome.confidence), outcome.method, dict(outcome.scores), list(outcome.usage))


def extract_and_validate(doc: DocText, doc_type: str, registry: TypeRegistry, *, runtime=None, tier=None,
                         escalations: list | None = None, usage: list | None = None):
    """Extract, validate, and escalate doubtful fields to the larger-model ``tier`` when one is given.

    ``escalations`` and ``usage`` (when given) are extended with the larger tier's outcomes and the
    token accounting (runtime Usage) of every small-model call the extractors made."""
    spec = registry.get(doc_type) or registry[OTHER]
    metered = MeteredRuntime(runtime) if runtime is not None else None
    fields = extract_fields(doc, spec, runtime=metered) if spec.fields else {}
    if usage is not None and metered is not None:
        usage.extend(metered.usage)
    validation = validate_document(spec, fields)
    if tier is not None and validation.status != DocumentStatus.DONE:
        from extraction.cascade import escalate

        outcomes = escalate(doc, spec, fields, tier)
        if escalations is not None:
            escalations.extend(outcomes)
        if outcomes:
            validation = revalidate_status(spec, fields, validation)
    return fields, validation


def revalidate_status(spec, fields, validation: DocumentValidation) -> DocumentValidation:
    """The document's status again after the cascade decided some fields anew."""
    return DocumentValidation(document_status((f.status for f in fields.values()), validation.issues), validation.issues)


def run(pages: list[str], *, registry: TypeRegistry | None = None, runtime=None, extra_examples=(),
        doc_type: str | None = None, tier=None, methods: list[str] | None = None) -> PipelineResult:
    """Everything after text extraction, in-process. ``doc_type`` skips classification when known;
    ``methods`` says how each page was read (see DocText.methods)."""
    registry = registry or default_registry()
    doc = DocText(pages, methods=list(methods or []))
    timings = {}
    started = time.perf_counter()
    pii = find_pii(doc)
    timings["pii"] = time.perf_counter() - started

    started = time.perf_counter()
    if doc_type is None:
        classified = classify(doc, runtime=runtime, extra_examples=extra_examples)
    else:
        classified = Classified(doc_type, 1.0, "given")
    timings["classify"] = time.perf_counter() - started

    started = time.perf_counter()
    escalations, usage = [], list(classified.usage)
    fields, validation = extract_and_validate(doc, classified.doc_type, registry, runtime=runtime, tier=tier,
                                              escalations=escalations, usage=usage)
    usage += [e.usage for e in escalations if e.usage is not None]
    timings["extract"] = time.perf_counter() - started
    return PipelineResult(classified.doc_type, classified.confidence, classified, fields, validation, pii, timings,
                          usage)
