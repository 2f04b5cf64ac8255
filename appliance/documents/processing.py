"""The Django side of the pipeline's stages: load a document's pages, call the plain-Python
stage in ``extraction``, store what it decided, and write the audit events.

Each function is one stage and is called by its Celery task in ``tasks.py``.
"""
import hashlib
import logging
import time

from django.conf import settings
from django.db import DatabaseError, transaction

from appliance.documents.ingestion import DECLARED
from appliance.documents.models import Document, DocumentType, ExampleDocument, ExtractedField, Page
from audit.events import append, build, model_system, record, sha256_pages, sha256_text
from extraction import pipeline
from extraction.classify.model import ExtraExamples
from extraction.doctypes.registry import OTHER, TypeRegistry
from extraction.evidence import DocText
from extraction.slm.metered import by_model

logger = logging.getLogger(__name__)

_runtime = None


class StageSuperseded(Exception):
    """Another worker moved the document on while this one computed (a redelivered message)."""


def _claim(document):
    """Inside the storing transaction: lock the row and make sure nobody stored this stage meanwhile."""
    current = Document.objects.select_for_update().values_list("status", flat=True).get(pk=document.pk)
    if current != document.status:
        raise StageSuperseded


def runtime():
    """The SLM runtime of this worker process, loaded once (None when the models are not built)."""
    global _runtime
    if _runtime is None:
        from extraction.batch import runtime_or_none

        _runtime = runtime_or_none() or False
    return _runtime or None


_tier = None


def larger_tier():
    """The larger-model tier configured for this process (endpoint or registry model), or None."""
    global _tier
    if _tier is None:
        from appliance.routing.budget import DatabaseBudgetStore
        from extraction.llm.tier import configured_tier

        _tier = configured_tier(budget_store=DatabaseBudgetStore()) or False
    return _tier or None


UNREACHED_TIER = {"model": "llm", "version": "1", "quantisation": "unknown", "device": "remote"}


def quality_control_sample(document_id):
    """Whether this document is in the quality-control sample (deterministic per document)."""
    rate = float(getattr(settings, "COLONY_QC_SAMPLE_RATE", 0.0))
    digest = hashlib.sha256(str(document_id).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


def type_registry():
    registry = TypeRegistry()
    for doc_type in DocumentType.objects.filter(active=True):
        registry[doc_type.name] = doc_type.to_spec()
    return registry


def doc_text(document):
    """The document's evidence text, knowing where its personal data stands (for model prompts)."""
    pages = list(document.pages.all())
    doc = DocText([page.text for page in pages], methods=[page.method for page in pages])
    doc.set_pii((s["page"], s["start"], s["end"], s["type"]) for s in document.pii_spans)
    return doc


def redact_pii(document):
    """Detect personal data, store the redacted pages and the encrypted vault, audit the run."""
    from extraction.pii import Vault, detect_pages, load_vault_key, redact
    from extraction.pii.config import load_config

    pages = list(document.pages.all())
    texts = [page.text for page in pages]
    started = time.perf_counter()
    spans = detect_pages(texts)
    key = load_vault_key(settings.COLONY_PII_KEY_FILE)
    redacted_pages, mapping = redact(texts, spans, load_config().operators, hash_key=key)
    placeholder_of = {}
    for placeholder, original in mapping.items():
        placeholder_of.setdefault(original, placeholder)
    stored_spans = [
        {**span.to_dict(), "placeholder": placeholder_of.get(texts[span.page - 1][span.start:span.end], "")}
        for span in spans
    ]
    vault = Vault(key)
    with transaction.atomic():
        _claim(document)
        for page, redacted in zip(pages, redacted_pages):
            page.redacted_text = redacted
        Page.objects.bulk_update(pages, ["redacted_text"])
        document.pii_spans = stored_spans
        # The document id binds the blob to this document: copied elsewhere, it will not decrypt.
        document.pii_vault = vault.encrypt(mapping, context=str(document.pk))
        counts = {}
        for span in spans:
            counts[span.type] = counts.get(span.type, 0) + 1
        record(
            "pii_redacted", document=document, system={"model": "presidio", "version": "2.2.366", "quantisation": "none", "device": "cpu"},
            inputs_sha256={"text": sha256_pages(texts)},
            details={"spans_by_type": counts, "spans": len(spans)},
            evidence=[{"page": s.page, "start": s.start, "end": s.end} for s in spans[:500]],
            latency_ms=int((time.perf_counter() - started) * 1000),
        )
        document.move_to(Document.Status.PII_REDACTED, also=["pii_spans", "pii_vault"])


def warm_up_classifier():
    """Train the classifier on the shipped examples and those in the database now (their embeddings stay
    cached): the first document a process classifies then costs what any other does, however many examples a
    trained type left. Without models there is nothing to warm."""
    from extraction.classify.model import get_classifier

    if runtime() is None:
        return
    try:
        examples = classifier_examples()
    except DatabaseError:
        # The database is not reachable yet: the shipped examples now, the rest with the first document.
        logger.warning("the classifier's examples could not be read at start; they are read with the first document")
        examples = ()
    get_classifier(runtime(), examples, [])


_examples: tuple[list, ExtraExamples] | None = None  # (what they were read at, the examples) in this process


def classifier_examples() -> ExtraExamples:
    """The examples the classifier learns from beside the shipped ones (corrections, trained types' documents),
    read again only when they changed: a trained type's run to megabytes (300 NDAs, 9 MB), and each document read
    and hashed them all. Which examples there are, their types and when each last changed are one small query."""
    global _examples
    state = list(ExampleDocument.objects.order_by("id").values_list("id", "doc_type__name", "updated_at"))
    if _examples is None or _examples[0] != state:
        examples = ExampleDocument.objects.order_by("id").values_list("text", "doc_type__name") if state else ()
        _examples = (state, ExtraExamples(examples))
    return _examples[1]


def classify(document):
    if document.doc_type_id is not None and (document.classification or {}).get("method") == DECLARED:
        # The uploader said what the document is: no model overrides it.
        with transaction.atomic():
            _claim(document)
            record("classified", document=document, details={"doc_type": document.doc_type.name, "method": DECLARED},
                   confidence=1.0)
            document.move_to(Document.Status.CLASSIFIED)
        return
    doc = doc_text(document)
    started = time.perf_counter()
    classified = pipeline.classify(doc, runtime=runtime(), extra_examples=classifier_examples())
    latency = int((time.perf_counter() - started) * 1000)
    doc_type = DocumentType.objects.filter(name=classified.doc_type, active=True).first() or DocumentType.objects.get(name=OTHER)
    tokens = sum(int(getattr(u, "total_tokens", 0) or 0) for u in classified.usage)
    with transaction.atomic():
        _claim(document)
        document.doc_type = doc_type
        document.doc_type_confidence = classified.confidence
        document.classification = {"method": classified.method, "scores": classified.scores}
        record(
            "classified", document=document, system=model_system(classified.usage[0] if classified.usage else None),
            inputs_sha256={"text": sha256_text(pipeline.classifier_text(doc))},
            candidates=[{"label": name, "score": round(float(score), 4)} for name, score in
                        sorted(classified.scores.items(), key=lambda item: -item[1])[:5]],
            details={"doc_type": doc_type.name, "method": classified.method},
            confidence=max(0.0, min(1.0, classified.confidence)), latency_ms=latency, tokens=tokens or None,
        )
        document.move_to(Document.Status.CLASSIFIED, also=["doc_type", "doc_type_confidence", "classification"])


def _extraction_token_events(document, usage):
    """One event per small model the extractors consulted, with the tokens it read (routing report's cost)."""
    return [
        build(
            "extraction_model_usage", document=document, system=model_system(calls[0]), route="slm",
            details={"calls": len(calls)}, tokens=sum(c.total_tokens for c in calls),
            cost=sum(c.relative_cost for c in calls),
            latency_ms=int(sum(c.latency_ms for c in calls)) or None,
        )
        for calls in by_model(usage).values()
    ]


def extract_and_validate(document):
    doc = doc_text(document)
    registry = type_registry()
    spec = registry.get(document.doc_type.name if document.doc_type else OTHER) or registry[OTHER]
    started = time.perf_counter()
    escalations, usage = [], []
    fields, validation = pipeline.extract_and_validate(
        doc, spec.name, registry, runtime=runtime(), tier=larger_tier(), escalations=escalations, usage=usage
    )
    latency = int((time.perf_counter() - started) * 1000)
    personal = {f.name for f in spec.fields if f.personal}
    # The generator the extractors consulted, as its calls reported it (fields settled by rules name none).
    slm_usage = next((u for u in usage if u.kind == "generator"), None)
    events = []  # this decision's audit events, appended together at the end
    text_digest = {"text": sha256_pages(doc.pages)}
    with transaction.atomic():
        _claim(document)
        ExtractedField.objects.filter(document=document).delete()
        ExtractedField.objects.bulk_create(
            ExtractedField(
                document=document, name=name, value=field.value, raw=field.raw, confidence=field.confidence,
                evidence=[span.as_dict() for span in field.evidence], method=field.method,
                validators=[v.as_dict() for v in field.validators], status=field.status, reasons=field.reasons,
                candidates=field.candidates, personal=name in personal,
            )
            for name, field in fields.items()
        )
        for name, field in fields.items():
            events.append(build(
                "field_extracted", document=document,
                # A trained specialist names itself and its version; otherwise the model the extractors called.
                system=field.model or model_system(None if field.method == "rule" else slm_usage),
                field=name, inputs_sha256=text_digest,
                candidates=[{"value": c.get("value"), "score": c.get("score")} for c in field.candidates[:5]],
                evidence=[span.as_dict() for span in field.evidence],
                validators=[{"name": v.name, "passed": v.passed} for v in field.validators],
                confidence=max(0.0, min(1.0, field.confidence)), route=field.method, outcome=field.status,
                reason=field.reasons[0] if field.reasons else "", latency_ms=latency,
            ))
        events += _extraction_token_events(document, usage)
        for escalation in escalations:
            usage = escalation.usage
            events.append(build(
                "field_escalated", document=document, field=escalation.field, route="llm",
                # an unreachable tier reported no usage: the event still names the tier, not the rules
                system=model_system(usage) if usage is not None else UNREACHED_TIER,
                outcome=escalation.outcome, reason=escalation.error, confidence=max(0.0, min(1.0, escalation.confidence)),
                tokens=getattr(usage, "total_tokens", None), cost=getattr(usage, "relative_cost", None),
                latency_ms=int(getattr(usage, "latency_ms", 0) or 0) or None,
            ))
        reasons = validation.issues + sorted({r for f in fields.values() for r in f.reasons})
        if validation.status == "done" and quality_control_sample(document.pk):
            # A random share of documents the machine would settle goes to a person anyway: it is
            # how the accuracy of auto-accepted values is measured (routing report).
            validation.status = "needs_review"
            reasons.append("qc_sample")
        document.review_reasons = reasons
        events.append(build(
            "document_validated", document=document, details={"doc_type": spec.name, "fields": len(fields),
                                                               "issues": validation.issues},
            outcome=validation.status,
        ))
        append(*events)
        final = Document.Status.DONE if validation.status == "done" else Document.Status.NEEDS_REVIEW
        document.move_to(final, also=["review_reasons"])
