"""Canonical serialisation and hashing of audit events.

The hash covers every field that carries meaning, in a serialisation that does
not depend on the database: sorted keys, no whitespace, ASCII only, times in
UTC with microseconds, decimals as fixed strings. ``record()`` normalises
values the same way before hashing, so what is read back hashes identically
on SQLite and PostgreSQL (jsonb reorders keys and reformats numbers).
"""
import datetime
import hashlib
import json
import uuid
from decimal import Decimal

GENESIS_HASH = "0" * 64
FORMAT = 1

# Order does not matter (keys are sorted); the set does: changing it needs a new FORMAT.
HASHED_FIELDS = (
    "seq", "format", "at", "kind", "actor_kind", "actor_user_id", "system", "model", "document_id", "field",
    "inputs_sha256", "prompt_template", "prompt_version", "candidates", "evidence", "validators", "details",
    "confidence", "route", "reason", "outcome", "latency_ms", "tokens", "cost", "prev_hash",
)


def _scalar(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("audit times must be timezone-aware")
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.000001")), "f")
    return value


def as_dict(event):
    """The hashed fields of an event (a model instance) as plain JSON values."""
    return {name: _scalar(getattr(event, name)) for name in HASHED_FIELDS}


def canonical_bytes(data):
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode()


def event_hash(event):
    return hashlib.sha256(canonical_bytes(as_dict(event))).hexdigest()


def dict_hash(data):
    """The hash of an exported event dict (its ``hash`` key, if any, left out)."""
    return hashlib.sha256(canonical_bytes({k: v for k, v in data.items() if k in HASHED_FIELDS})).hexdigest()


def _round_floats(value):
    # jsonb stores numbers as numeric and prints large floats without an exponent, so
    # they would read back as ints; scores and confidences need no more than this.
    if isinstance(value, float):
        if abs(value) >= 1e15:
            raise ValueError("audit numbers in JSON fields must be below 1e15")
        return round(value, 6)
    if isinstance(value, dict):
        return {key: _round_floats(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_round_floats(item) for item in value]
    return value


def normalise_json(value):
    """What a JSON column gives back after a round trip (tuples become lists, keys strings)."""
    return _round_floats(json.loads(json.dumps(value, allow_nan=False)))
