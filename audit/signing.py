"""Ed25519 signing of chain heads and exports, with a key kept outside the database.

A database owner can rewrite the whole event table with a fresh, valid chain;
what they cannot do without this key is sign its head. Each signed head goes
to the ChainSignature table and, as a second copy outside the database, to a
JSON Lines file, so deleting the signature rows along with the rewrite is
caught too.

The private key lives in ``COLONY_AUDIT_SIGNING_KEY`` (a path) or
``VAR_DIR/audit_signing_key.pem``, created on first use with mode 0600; the
public key is written beside it for verifiers that must not hold the private key.
"""
import base64
import datetime
import hashlib
import json
import logging
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


class SigningKeyMissing(Exception):
    pass


def key_path():
    configured = os.environ.get("COLONY_AUDIT_SIGNING_KEY") or getattr(settings, "COLONY_AUDIT_SIGNING_KEY", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "audit_signing_key.pem"


def public_key_path():
    path = key_path()
    return path.with_name(path.name.removesuffix(".pem") + ".pub.pem")


def heads_path():
    configured = os.environ.get("COLONY_AUDIT_HEADS_FILE") or getattr(settings, "COLONY_AUDIT_HEADS_FILE", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "audit_signed_heads.jsonl"


def _write_private_key(path):
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two processes starting at once must not each write (and use) a different key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    logger.warning("created a new audit signing key at %s", path)


def private_key(create=True):
    path = key_path()
    if not path.exists():
        if not create:
            raise SigningKeyMissing("no audit signing key")
        try:
            _write_private_key(path)
        except FileExistsError:
            pass
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        logger.warning("the audit signing key %s is readable by others; it should be mode 0600", path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyMissing("the audit signing key is not an Ed25519 key")
    _write_public_key(key.public_key())
    return key


def _write_public_key(public):
    path = public_key_path()
    pem = public_pem(public)
    try:
        if not path.exists() or path.read_bytes() != pem:
            path.write_bytes(pem)
    except OSError:
        pass  # a read-only key directory: verifiers derive the public key from the private one


def public_key():
    """The trusted public key: from the private key file, else from the public key file."""
    try:
        return private_key(create=False).public_key()
    except SigningKeyMissing:
        path = public_key_path()
        if not path.exists():
            raise
        return load_public_key(path.read_bytes())


def load_public_key(pem):
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def public_pem(public):
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_id(public):
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def sign_bytes(data):
    return base64.b64encode(private_key().sign(data)).decode("ascii")


def verify_bytes(data, signature_b64, public=None):
    """True when ``signature_b64`` is a valid signature of ``data`` by ``public`` (default: our key)."""
    public = public or public_key()
    try:
        public.verify(base64.b64decode(signature_b64, validate=True), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def head_message(seq, head_hash, signed_at):
    return f"colony-audit-head:v1:{seq}:{head_hash}:{signed_at}".encode("ascii")


def _iso(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sign_head():
    """Sign the current chain head; returns the ChainSignature, or None when there is nothing new to sign."""
    from audit.models import AuditEvent, ChainSignature

    head = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    if head is None:
        return None
    last = ChainSignature.objects.order_by("-seq").first()
    if last is not None and last.seq == head["seq"]:
        return None
    key = private_key()
    signed_at = timezone.now()
    message = head_message(head["seq"], head["hash"], _iso(signed_at))
    signature = base64.b64encode(key.sign(message)).decode("ascii")
    public = key.public_key()
    entry = {
        "seq": head["seq"],
        "head_hash": head["hash"],
        "signed_at": _iso(signed_at),
        "key_id": key_id(public),
        "signature": signature,
    }
    # File first: if the database insert fails, an extra signed head on file is harmless.
    path = heads_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="ascii") as handle:
        handle.write(json.dumps(entry, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return ChainSignature.objects.create(
        signed_at=signed_at,
        seq=head["seq"],
        head_hash=head["hash"],
        key_id=entry["key_id"],
        public_key=public_pem(public).decode("ascii"),
        signature=signature,
    )


def sign_head_quietly():
    """sign_head() for callers that must not fail because signing did (every N events): a failure
    is logged, and the hourly signature and audit_verify still catch what it would have."""
    try:
        return sign_head()
    except Exception:  # noqa: BLE001 - the event is stored; its signature can come later
        logger.exception("could not sign the audit head")
        return None


def last_signed_at():
    """When the newest head was signed (None: never)."""
    from audit.models import ChainSignature

    return ChainSignature.objects.order_by("-signed_at").values_list("signed_at", flat=True).first()


def signed_heads():
    """Every signed head known, from the table and from the file, as dicts (duplicates merged)."""
    from audit.models import ChainSignature

    heads = {}
    for row in ChainSignature.objects.order_by("seq"):
        entry = {"seq": row.seq, "head_hash": row.head_hash, "signed_at": _iso(row.signed_at),
                 "key_id": row.key_id, "signature": row.signature}
        heads[(entry["seq"], entry["signature"])] = dict(entry, source="table")
    path = heads_path()
    if path.exists():
        for line in path.read_text(encoding="ascii").splitlines():
            if line.strip():
                entry = json.loads(line)
                heads.setdefault((entry["seq"], entry["signature"]), dict(entry, source="file"))
    return sorted(heads.values(), key=lambda entry: (entry["seq"], entry["signed_at"]))


def head_signature_valid(entry, public):
    return verify_bytes(head_message(entry["seq"], entry["head_hash"], entry["signed_at"]), entry["signature"], public)
