"""What a reviewer can do to a document, independent of how the request came in.

Every action checks the caller's review lock, changes the field, stores the decision as a
FieldCorrection (labelled data for calibration), writes an audit event, renews the lock, and
finishes the document once no field needs review any more.
"""
import math
import re

from django.db import transaction
from django.utils import timezone

from appliance.documents import retraining
from appliance.documents.access import visible_documents
from appliance.documents.models import Document, DocumentType, ExampleDocument, ExtractedField
from appliance.review.models import FieldCorrection, ReviewLock
from audit.events import record

REDACTED = "[redacted]"
# The audit chain refuses floats this large (chain._round_floats); floats are exact well beyond it.
LARGEST_NUMBER = 1e15
PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*_[0-9A-Za-z]+>")


class ReviewError(Exception):
    """An action that cannot be done; ``message`` is for the reviewer."""

    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


class Locked(ReviewError):
    def __init__(self, lock):
        super().__init__(f"This document is being reviewed by {lock.reviewer.get_username()}.", code="locked")
        self.lock = lock


def reviewable_documents(user):
    """The documents ``user`` may review: visible to them (own team, or all with view_all_documents)."""
    if not user.has_perm("documents.review_document"):
        return Document.objects.none()
    return visible_documents(user)


def queue(user):
    """Documents waiting for review, oldest first."""
    return (reviewable_documents(user).filter(status=Document.Status.NEEDS_REVIEW)
            .select_related("doc_type", "uploader").order_by("created_at", "pk"))


def next_document(user, after=None):
    """The oldest waiting document nobody else is reviewing now (not ``after``), or None."""
    now = timezone.now()
    candidates = queue(user).exclude(review_lock__expires_at__gt=now, review_lock__reviewer__isnull=False)
    mine = queue(user).filter(review_lock__reviewer=user, review_lock__expires_at__gt=now)
    if after is not None:
        candidates, mine = candidates.exclude(pk=after.pk), mine.exclude(pk=after.pk)
    return mine.first() or candidates.first()


def take_lock(document, user):
    """Inside an action's transaction: the document must still wait for review, and be ours to decide."""
    current = Document.objects.select_for_update().filter(pk=document.pk).values_list("status", flat=True).first()
    if current is not None:
        document.status = current
    if document.status != Document.Status.NEEDS_REVIEW:
        raise ReviewError("This document is not waiting for review.", code="not_waiting")
    lock, ok = ReviewLock.acquire(document, user)
    if not ok:
        raise Locked(lock)
    return lock


def pending_fields(document):
    return document.fields.filter(status=ExtractedField.Status.NEEDS_REVIEW)


# --------------------------------------------------------------------------- values

def field_type(document, name):
    """The JSON Schema type of field ``name`` in the document's type ("string" when unknown)."""
    schema = (document.doc_type.schema if document.doc_type else {}) or {}
    kind = (schema.get("properties", {}).get(name) or {}).get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    return kind


def placeholder_values(document):
    """Placeholder -> the personal value it stands for, from the document's own spans."""
    pages = {page.number: page.text for page in document.pages.all()}
    values = {}
    for span in document.pii_spans:
        placeholder = span.get("placeholder")
        text = pages.get(span["page"])
        if placeholder and text is not None:
            values.setdefault(placeholder, text[span["start"]:span["end"]])
    return values


def display_value(value):
    if isinstance(value, (list, tuple)):
        return "; ".join("" if item is None else str(item) for item in value)
    return "" if value is None else str(value)


def masked_value(document, value, placeholders=None):
    """How a personal value is shown to someone who may not see it: its placeholder, or [redacted]."""
    if value is None:
        return ""
    placeholders = placeholder_values(document) if placeholders is None else placeholders
    by_value = {" ".join(v.split()).lower(): p for p, v in placeholders.items()}

    def one(item):
        return by_value.get(" ".join(str(item).split()).lower(), REDACTED)

    if isinstance(value, (list, tuple)):
        return "; ".join(one(item) for item in value)
    return one(value)


def parse_value(document, fld, text):
    """The typed text as the field's value; placeholders picked from the redacted text stand
    for the personal values behind them."""
    text = (text or "").strip()
    if not text:
        raise ReviewError("Type a value, or reject the field if the document has none.", code="empty")
    if "\x00" in text:  # PostgreSQL cannot store it
        raise ReviewError("The value contains a NUL character; type it again without it.", code="nul")
    if REDACTED in text:
        raise ReviewError("Type the value, or pick it from the text; [redacted] is not a value.", code="redacted")
    if PLACEHOLDER.search(text):
        values = placeholder_values(document)
        text = PLACEHOLDER.sub(lambda m: values.get(m.group(0), m.group(0)), text)
    kind = field_type(document, fld.name)
    if kind == "array" or isinstance(fld.value, list):
        items = [item.strip() for item in text.split(";") if item.strip()]
        if not items:
            raise ReviewError("Give at least one item (separate items with ;).", code="empty")
        return items
    if kind in ("number", "integer"):
        cleaned = text.replace(" ", "")
        if "," in cleaned and "." not in cleaned:
            cleaned = cleaned.replace(",", ".")
        try:
            number = float(cleaned)
        except ValueError:
            raise ReviewError("This field takes a number.", code="not_a_number") from None
        if not math.isfinite(number):  # "nan", "inf", "1e400": float() takes them, JSON cannot store them
            raise ReviewError("This field takes a number.", code="not_a_number")
        if abs(number) >= LARGEST_NUMBER:
            raise ReviewError("This number is too large; at most 15 digits before the decimal point.",
                              code="too_large")
        if kind == "integer":
            if number != int(number):
                raise ReviewError("This field takes a whole number.", code="not_an_integer")
            return int(number)
        return number
    return text


def check_value(document, name, value):
    """The field's typed validators and its JSON Schema property run on a reviewer's value:
    [{"name", "passed", "message"}], as ExtractedField.validators holds them."""
    from jsonschema import Draft202012Validator, FormatChecker

    from extraction.validation.validators import VALIDATORS

    schema = (document.doc_type.schema if document.doc_type else {}) or {}
    prop = schema.get("properties", {}).get(name)
    if not prop:
        return []
    checks = []
    values = value if isinstance(value, list) else [value]
    for validator in prop.get("x-validators", ()):
        if validator not in VALIDATORS:
            continue
        outcomes = [VALIDATORS[validator](item) for item in values]
        failed = next((message for ok, message in outcomes if not ok), None)
        checks.append({"name": validator, "passed": failed is None, "message": failed or ""})
    errors = list(Draft202012Validator(prop, format_checker=FormatChecker()).iter_errors(value))
    checks.append({"name": "schema", "passed": not errors, "message": errors[0].validator if errors else ""})
    return checks


def _locate(document, value):
    """Evidence for a value a reviewer typed: its first occurrence in the page texts, if any."""
    needle = display_value(value).strip().lower()
    if not needle:
        return []
    for page in document.pages.all():
        start = page.text.lower().find(needle)
        if start >= 0:
            return [{"page": page.number, "start": start, "end": start + len(needle)}]
    return []


# --------------------------------------------------------------------------- actions

def _decide(document, fld, user, action, after):
    before = fld.value
    # The row compares the model's decision with the reviewer's: when a reviewer decides a field
    # again, the model's side comes from the first decision, not from the reviewer's earlier value.
    first = FieldCorrection.objects.filter(field=fld).order_by("at", "id").first()
    if first is not None:
        model = {"before": first.before, "confidence": first.confidence, "method": first.method,
                 "reasons": list(first.reasons or []), "doc_type": first.doc_type}
    else:
        model = {"before": before, "confidence": fld.confidence, "method": fld.method,
                 "reasons": list(fld.reasons or []), "doc_type": document.doc_type.name if document.doc_type else ""}
    labelled = action
    if action == FieldCorrection.Action.ACCEPTED and after != model["before"]:
        labelled = FieldCorrection.Action.CORRECTED  # accepting a reviewer's own earlier correction
    FieldCorrection.objects.create(document=document, field=fld, field_name=fld.name, action=labelled, after=after,
                                   reviewer=user, **model)
    record(f"review_{action}", document=document, actor=user, field=fld.name,
           details={"before": before, "after": after}, outcome=action)


def _settle(document, user):
    """Finish the document when no field needs review any more. Returns True when finished."""
    if pending_fields(document).exists():
        return False
    finish(document, user)
    return True


@transaction.atomic
def accept(document, fld, user):
    take_lock(document, user)
    _decide(document, fld, user, FieldCorrection.Action.ACCEPTED, fld.value)
    fld.status = ExtractedField.Status.ACCEPTED
    fld.save(update_fields=["status"])
    return _settle(document, user)


@transaction.atomic
def correct(document, fld, user, text):
    take_lock(document, user)
    after = parse_value(document, fld, text)
    _decide(document, fld, user, FieldCorrection.Action.CORRECTED, after)
    if after != fld.value:
        fld.evidence = _locate(document, after)
    fld.validators = check_value(document, fld.name, after)
    fld.value = after
    fld.raw = after
    fld.method = "human"
    fld.confidence = 1.0
    fld.status = ExtractedField.Status.ACCEPTED
    fld.save(update_fields=["value", "raw", "method", "confidence", "status", "evidence", "validators"])
    return _settle(document, user)


@transaction.atomic
def reject(document, fld, user):
    take_lock(document, user)
    _decide(document, fld, user, FieldCorrection.Action.REJECTED, None)
    fld.status = ExtractedField.Status.REJECTED
    fld.save(update_fields=["status"])
    return _settle(document, user)


@transaction.atomic
def correct_doc_type(document, user, doc_type):
    """Set the document's type; the redacted text becomes a labelled example for the classifier."""
    take_lock(document, user)
    before = document.doc_type
    if before is not None and before.pk == doc_type.pk:
        return False
    text = "\n\n".join(page.redacted_text for page in document.pages.all() if page.redacted_text)
    if text.strip():
        ExampleDocument.objects.create(doc_type=doc_type, text=text, source=ExampleDocument.Source.CORRECTION,
                                       document=document)
    document.doc_type = doc_type
    document.doc_type_confidence = 1.0
    classification = dict(document.classification or {})
    classification["method"] = "human"
    document.classification = classification
    document.save(update_fields=["doc_type", "doc_type_confidence", "classification"])
    record("doc_type_corrected", document=document, actor=user,
           details={"before": before.name if before else None, "after": doc_type.name}, outcome="corrected")
    return True


@transaction.atomic
def finish(document, user):
    """The review is over: the document is done and the lock released."""
    take_lock(document, user)
    if pending_fields(document).exists():
        raise ReviewError("Some fields still need a decision.", code="pending")
    if document.status != Document.Status.DONE:
        document.move_to(Document.Status.DONE, reason="reviewed")
    ReviewLock.release(document, user)
    # The settled document is a labelled example now: enough new corrections retrain the type.
    retraining.schedule_if_due(document.doc_type)


def active_doc_types():
    return DocumentType.objects.filter(active=True).order_by("label")
