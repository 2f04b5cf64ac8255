"""``record()``: the one way to add an event to the audit log.

    from audit.events import record, sha256_text
    record("field_extracted", document=doc, system={"model": "m", "version": "1", "quantisation": "int8",
           "device": "cuda"}, field="iban", inputs_sha256={"text": sha256_text(text), "prompt": ...},
           candidates=[{"value": v, "score": 0.91}], evidence=[{"page": 1, "start": 10, "end": 32}],
           confidence=0.91, latency_ms=120, tokens=380)

The log must never hold personal data, so ``record()`` is strict: every
free-text slot (kind, reason, route, outcome, field, strings inside details)
must be a short code, and the values under personal keys ("value", "before",
"after", ... or any key named in ``personal=``) are replaced by their sha256.
A caller that passes prose gets ``AuditDataError``, not a silently stored text.
"""
import hashlib
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone

from audit import chain, signing
from audit.models import AuditEvent

# Letters, digits and a little punctuation, no spaces and no "@": room for codes,
# model names, media types and digests, but not for sentences or e-mail addresses.
_CODE = re.compile(r"^[A-Za-z0-9_.:/+-]*$")
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

# Keys whose values are (or may be) personal data wherever they appear.
PERSONAL_KEYS = frozenset(
    {"value", "values", "before", "after", "text", "candidate", "username", "name", "email", "query", "subject"}
)
SYSTEM_KEYS = ("model", "version", "quantisation", "device")
# Transaction-level advisory lock id that serialises appends on PostgreSQL ("colony-a" in ASCII).
_PG_LOCK_ID = 0x636F6C6F6E792D61


class AuditDataError(ValueError):
    """An event was given something the audit log must not hold (prose, personal data, bad shapes)."""


RULES = {"model": "rules", "version": "1", "quantisation": "none", "device": "cpu"}


def model_system(usage=None):
    """The ``system`` of an event decided by a model: name, quantisation and device as the model's call
    reported them (a runtime Usage, or a dict with the same keys); the rules when there is none."""
    if usage is None:
        return dict(RULES)
    get = usage.get if isinstance(usage, dict) else lambda key, default="": getattr(usage, key, default)
    return {"model": get("model", "") or "unknown", "version": "1",
            "quantisation": get("compute_type", "") or "unknown", "device": get("device", "") or "unknown"}


def sha256_text(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_bytes(data):
    return hashlib.sha256(data).hexdigest()


def sha256_pages(page_texts):
    """The digest of a document's text: its pages joined by form feeds (every stage uses this one)."""
    return sha256_text("\f".join(page_texts))


def digest(value):
    """The stand-in stored for a personal value: ``sha256:<hex>`` of its text (or canonical JSON)."""
    if value is None:
        return None
    raw = value if isinstance(value, str) else chain.canonical_bytes(chain.normalise_json(value)).decode()
    return "sha256:" + sha256_text(raw)


def is_code(value, max_length=64):
    return isinstance(value, str) and len(value) <= max_length and bool(_CODE.match(value))


def code_or_digest(value):
    """A name that is usually a code (a group name, say) but might be prose: keep codes, hash the rest."""
    return value if is_code(value) else digest(value)


def _code(name, value, max_length=64):
    value = "" if value is None else value
    if not is_code(value, max_length):
        raise AuditDataError(f"audit {name} must be a short code (letters, digits, _.:/+-; at most {max_length})")
    return value


def _clean(value, personal, path):
    """Sanitise a JSON-ish structure: personal keys hashed, strings must be codes."""
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            key = _code(f"key in {path}", str(key))
            cleaned[key] = digest(item) if key in personal else _clean(item, personal, f"{path}.{key}")
        return cleaned
    if isinstance(value, (list, tuple)):
        return [_clean(item, personal, path) for item in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return _code(f"value at {path}", value, 128)
    raise AuditDataError(f"audit value at {path} has an unsupported type ({type(value).__name__})")


def _evidence(spans):
    cleaned = []
    for span in spans or ():
        try:
            page, start, end = int(span["page"]), int(span["start"]), int(span["end"])
        except (KeyError, TypeError, ValueError):
            raise AuditDataError("evidence spans need integer page, start and end") from None
        if page < 1 or start < 0 or end < start:
            raise AuditDataError("evidence span out of range")
        item = {"page": page, "start": start, "end": end}
        for key in ("field", "label"):
            if span.get(key):
                item[key] = _code(f"evidence {key}", span[key])
        extra = set(span) - {"page", "start", "end", "field", "label"}
        if extra:
            raise AuditDataError("evidence spans hold offsets only (page, start, end, field, label)")
        cleaned.append(item)
    return cleaned


def _inputs(inputs):
    cleaned = {}
    for name, value in (inputs or {}).items():
        if not isinstance(value, str) or not _SHA256.match(value):
            raise AuditDataError("inputs_sha256 values must be lowercase hex sha256 digests")
        cleaned[_code("input name", name)] = value
    return cleaned


def _system(system):
    if not system:
        return {}
    unknown = set(system) - set(SYSTEM_KEYS)
    if unknown:
        raise AuditDataError(f"system holds only {', '.join(SYSTEM_KEYS)}")
    return {key: _code(f"system {key}", str(system.get(key) or ""), 128) for key in SYSTEM_KEYS}


def _count(name, value):
    if value is None:
        return None
    if isinstance(value, bool) or int(value) != value or value < 0:
        raise AuditDataError(f"audit {name} must be a non-negative integer")
    return int(value)


def _confidence(value):
    if value is None:
        return None
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise AuditDataError("confidence must lie between 0 and 1")
    return value


def _cost(value):
    if value is None:
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise AuditDataError("cost must be a number") from None


def _document_id(document):
    if document is None:
        return None
    raw = getattr(document, "pk", document)
    try:
        return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
    except ValueError:
        raise AuditDataError("document must be a Document or its UUID") from None


def _actor_id(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor.pk


def build(kind, *, document=None, actor=None, system=None, field="", inputs_sha256=None, prompt_template="",
          prompt_version="", candidates=None, evidence=None, validators=None, details=None, confidence=None,
          route="", reason="", outcome="", latency_ms=None, tokens=None, cost=None, personal=()):
    """Validate and sanitise; returns an unsaved event without its place in the chain."""
    if not isinstance(kind, str) or not _KIND.match(kind):
        raise AuditDataError("audit kind must be a lowercase code")
    personal = PERSONAL_KEYS | frozenset(personal)
    system = _system(system)
    actor_user_id = _actor_id(actor)
    return AuditEvent(
        format=chain.FORMAT,
        kind=kind,
        actor_kind=AuditEvent.ActorKind.USER if actor_user_id is not None else AuditEvent.ActorKind.SYSTEM,
        actor_user_id=actor_user_id,
        system=system,
        model=system.get("model", ""),
        document_id=_document_id(document),
        field=_code("field", field),
        inputs_sha256=_inputs(inputs_sha256),
        prompt_template=_code("prompt_template", prompt_template),
        prompt_version=_code("prompt_version", prompt_version, 32),
        candidates=chain.normalise_json(_clean(list(candidates or []), personal | {"value"}, "candidates")),
        evidence=_evidence(evidence),
        validators=chain.normalise_json(_clean(list(validators or []), personal, "validators")),
        details=chain.normalise_json(_clean(dict(details or {}), personal, "details")),
        confidence=_confidence(confidence),
        route=_code("route", route),
        reason=_code("reason", reason),
        outcome=_code("outcome", outcome, 32),
        latency_ms=_count("latency_ms", latency_ms),
        tokens=_count("tokens", tokens),
        cost=_cost(cost),
    )


def _serialise_appends(connection):
    # Two workers must not both read the same head and fork the chain. PostgreSQL:
    # an advisory lock held to the end of the transaction. SQLite: the settings open
    # every transaction with BEGIN IMMEDIATE, so the write lock is already ours.
    # Either way the unique ``seq`` is the backstop: a fork fails instead of landing.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_ID])


def append(*events):
    """Give built events their places at the head of the chain, in order, and store them; returns the
    first. Several events of one decision go in together: one lock and one read of the head for all."""
    using = router.db_for_write(AuditEvent)
    # No savepoint of its own: inside a caller's transaction the events stand or fall with it, and outside
    # one this is the transaction (each savepoint cost a document two more round-trips per event).
    with transaction.atomic(using=using, savepoint=False):
        _serialise_appends(connections[using])
        head = AuditEvent.objects.using(using).order_by("-seq").values("seq", "hash").first()
        seq, prev_hash = (head["seq"], head["hash"]) if head else (0, chain.GENESIS_HASH)
        # Taken under the lock, so times never run backwards along the chain.
        now = timezone.now()
        for event in events:
            seq += 1
            event.seq, event.prev_hash, event.at = seq, prev_hash, now
            event.hash = prev_hash = chain.event_hash(event)
        AuditEvent.objects.using(using).bulk_create(events)
        every = settings.COLONY_AUDIT_SIGN_EVERY
        if every > 0 and any(event.seq % every == 0 for event in events):
            # After the commit: a head signed inside a transaction that then rolled back would look
            # like events removed from the end of the log.
            transaction.on_commit(signing.sign_head_quietly, using=using)
    return events[0]


def record(kind, **fields):
    """Record one event (see the module docstring); returns the stored AuditEvent."""
    return append(build(kind, **fields))
