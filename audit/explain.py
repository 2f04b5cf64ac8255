"""Plain-language explanations of audit events, for the auditor's timeline.

Events hold codes and numbers only, so every sentence here is built from
codes: what was decided, by whom (a person or a model), on what evidence and
why. A kind without a sentence of its own still gets a readable generic one.
"""
from django.contrib.auth import get_user_model

KIND_LABELS = {
    "document_received": "Document received",
    "text_extracted": "Text extracted",
    "text_extraction_failed": "Text extraction failed",
    "classified": "Classified",
    "field_extracted": "Field extracted",
    "field_validated": "Field validated",
    "redaction_run": "Redaction run",
    "routed": "Routed",
    "review_accepted": "Reviewer accepted",
    "review_corrected": "Reviewer corrected",
    "review_rejected": "Reviewer rejected",
    "pii_revealed": "Personal data revealed",
    "document_downloaded": "Original downloaded",
    "document_exported": "Results exported",
    "audit_exported": "Audit log exported",
    "document_deleted": "Document deleted",
    "retention_purged": "Purged after retention period",
    "document_erased": "Erased on request",
    "login": "Logged in",
    "login_failed": "Failed login",
    "login_locked_out": "Locked out after failed logins",
    "role_changed": "Roles changed",
    "permission_changed": "Role permissions changed",
}

REASON_TEXT = {
    "retention_expired": "its retention period ended",
    "data_subject_request": "a data subject asked for erasure",
    "legal_order": "a legal order required it",
    "uploaded_in_error": "it was uploaded in error",
    "low_confidence": "the confidence was below the threshold",
    "validation_failed": "a validator rejected the value",
    "all_fields_valid": "every field was extracted and valid",
}

# Kinds that give a field its current value, newest wins.
VALUE_KINDS = ("field_extracted", "review_accepted", "review_corrected", "review_rejected")


def kind_label(kind):
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def reason_text(code):
    return REASON_TEXT.get(code, code.replace("_", " "))


def usernames(events):
    """user id -> username for the actors of ``events`` (deleted users show as their id)."""
    ids = {event.actor_user_id for event in events if event.actor_user_id is not None}
    return dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))


def actor_text(event, names):
    if event.actor_user_id is not None:
        return f"user {names.get(event.actor_user_id, f'#{event.actor_user_id}')}"
    system = event.system or {}
    if system.get("model"):
        extras = ", ".join(filter(None, (system.get("quantisation"), system.get("device"))))
        version = f" {system['version']}" if system.get("version") else ""
        return f"model {system['model']}{version}" + (f" ({extras})" if extras else "")
    return "the system"


def evidence_text(evidence):
    if not evidence:
        return ""
    spans = "; ".join(f"page {span['page']}, characters {span['start']}–{span['end']}" for span in evidence)
    return f" Evidence: {spans}."


def _passed(validator):
    # Stages write either "ok" or "passed".
    return bool(validator.get("ok", validator.get("passed")))


def _cap(text):
    # Not str.capitalize(): that would lowercase user and model names.
    return text[:1].upper() + text[1:]


def _percent(value):
    return f"{value * 100:.0f}%"


def explain(event, names):
    """One or two sentences saying what happened and why."""
    who = actor_text(event, names)
    details = event.details or {}
    field = f"field “{event.field}”" if event.field else "the field"
    kind = event.kind
    if kind == "document_received":
        text = (f"Received from {who} via {details.get('source', 'an unknown source')}: "
                f"a {details.get('media_type', 'file')} of {details.get('size', '?')} bytes.")
    elif kind == "text_extracted":
        text = f"Text was extracted from {details.get('pages', '?')} page(s)."
    elif kind == "text_extraction_failed":
        text = f"Text extraction failed because of {reason_text(event.reason or 'an error')}."
    elif kind == "classified":
        text = f"{_cap(who)} classified the document as “{details.get('doc_type') or details.get('label') or '?'}”."
    elif kind == "field_extracted":
        count = len(event.candidates or [])
        text = f"{_cap(who)} gave {field} its value, choosing among {count} candidate(s)"
        scores = sorted((c.get("score") for c in event.candidates or [] if c.get("score") is not None), reverse=True)
        text += f" (best score {scores[0]:.2f})." if scores else "."
    elif kind == "field_validated":
        failed = [v.get("name", "?") for v in event.validators or [] if not _passed(v)]
        passed = [v.get("name", "?") for v in event.validators or [] if _passed(v)]
        text = f"{_cap(field)} " + (f"failed validation ({', '.join(failed)})." if failed else
                                           f"passed validation ({', '.join(passed) or 'no validators'}).")
    elif kind in ("review_accepted", "review_corrected", "review_rejected"):
        verb = kind.removeprefix("review_")
        text = f"{_cap(who)} {verb} {field}."
        if kind == "review_corrected" and details.get("before") != details.get("after"):
            text += " The value changed (before and after are kept as digests)."
    elif kind == "routed":
        text = f"The document was routed to {event.route or '?'}."
    elif kind in ("retention_purged", "document_erased", "document_deleted"):
        days = details.get("retention_days")
        text = f"The original, its text and derived data were deleted by {who}"
        text += f" after {days} days." if kind == "retention_purged" and days else "."
        text += " The audit events, which hold no content, were kept."
    else:
        text = f"{kind_label(kind)} by {who}."
    if event.reason and kind not in ("text_extraction_failed",):
        text += f" Reason: {reason_text(event.reason)}."
    if event.confidence is not None:
        text += f" Confidence {_percent(event.confidence)}."
    return text + evidence_text(event.evidence)


def field_summaries(events, names):
    """For each field: the event that gave it its current value, and the sentence explaining it."""
    latest = {}
    for event in events:
        if event.field and event.kind in VALUE_KINDS:
            latest[event.field] = event
    return [
        {"field": field, "event": event, "because": explain(event, names)}
        for field, event in sorted(latest.items())
    ]
