"""Checking the whole chain: every link, every hash, and every signed head.

Messages name events by their chain position only; they never quote content.
"""
import logging
from dataclasses import dataclass

from django.utils import timezone

from audit import chain, signing
from audit.models import AuditEvent, ChainCheck

logger = logging.getLogger(__name__)


@dataclass
class VerifyResult:
    ok: bool
    events_checked: int = 0
    head_seq: int | None = None
    signed_seq: int | None = None  # the newest signed head that was found intact
    first_broken_seq: int | None = None
    problem: str = ""
    message: str = ""


def _broken(checked, seq, problem, message):
    return VerifyResult(ok=False, events_checked=checked, first_broken_seq=seq, problem=problem, message=message)


def _trusted_heads():
    """Signed heads with valid signatures, keyed by seq; or a VerifyResult naming the problem."""
    heads = signing.signed_heads()
    if not heads:
        return {}
    try:
        public = signing.public_key()
    except signing.SigningKeyMissing:
        return _broken(0, None, "signing_key_missing", "Signed heads exist but the signing key is missing.")
    trusted = {}
    for entry in heads:
        if not signing.head_signature_valid(entry, public):
            return _broken(
                0, entry["seq"], "bad_signature",
                f"The signature of head #{entry['seq']} (signed {entry['signed_at']}, {entry['source']}) is not valid.",
            )
        trusted.setdefault(entry["seq"], []).append(entry)
    return trusted


def verify_chain():
    heads = _trusted_heads()
    if isinstance(heads, VerifyResult):
        return heads
    expected_seq, prev_hash, checked = 1, chain.GENESIS_HASH, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return _broken(
                checked, expected_seq, "missing_event",
                f"Event #{expected_seq} is missing (the next one present is #{event.seq}).",
            )
        if event.prev_hash != prev_hash:
            return _broken(checked, event.seq, "broken_link", f"Event #{event.seq} does not link to event #{event.seq - 1}.")
        if chain.event_hash(event) != event.hash:
            return _broken(checked, event.seq, "hash_mismatch", f"Event #{event.seq} was changed after it was recorded.")
        for entry in heads.get(event.seq, ()):
            if entry["head_hash"] != event.hash:
                return _broken(
                    checked, event.seq, "signed_head_mismatch",
                    f"Event #{event.seq} differs from the head signed at {entry['signed_at']}: the log was rewritten.",
                )
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head_seq = expected_seq - 1
    beyond = [seq for seq in heads if seq > head_seq]
    if beyond:
        return _broken(
            checked, head_seq + 1, "signed_head_missing",
            f"The log ends at event #{head_seq} but event #{max(beyond)} was signed: events were removed from the end.",
        )
    signed = max(heads) if heads else None
    return VerifyResult(ok=True, events_checked=checked, head_seq=head_seq or None, signed_seq=signed)


def verify_and_store():
    """Run the check and keep its outcome for the banner; broken chains are logged as errors."""
    result = verify_chain()
    ChainCheck.objects.create(
        checked_at=timezone.now(),
        ok=result.ok,
        events_checked=result.events_checked,
        first_broken_seq=result.first_broken_seq,
        problem=result.problem,
        message=result.message[:300],
    )
    if not result.ok:
        logger.error("audit chain verification failed: %s", result.message)
    return result
