"""The PII vault: placeholder -> original mappings, encrypted at rest.

AES-256-GCM with a random 96-bit nonce per blob; the document id (or any
caller context) can be bound as associated data, so a blob copied onto another
document fails to decrypt. The key comes from $COLONY_PII_KEY (urlsafe base64
of 32 bytes) or from a key file, never from the database.
"""
from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ENV_KEY = "COLONY_PII_KEY"
_VERSION = b"\x01"


class VaultError(Exception):
    """A blob that does not decrypt with this key (wrong key, tampered, other document)."""


def _decode_key(text: str) -> bytes:
    key = base64.urlsafe_b64decode(text.strip().encode())
    if len(key) != 32:
        raise ValueError("PII vault key must be 32 bytes (urlsafe base64)")
    return key


def generate_key() -> str:
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def load_vault_key(path: str | os.PathLike | None = None) -> bytes:
    """$COLONY_PII_KEY if set, else the key file at `path`, created (mode 0600) if missing."""
    if os.environ.get(ENV_KEY):
        return _decode_key(os.environ[ENV_KEY])
    if path is None:
        raise ValueError(f"no PII vault key: set {ENV_KEY} or give a key file path")
    path = Path(path)
    try:
        # O_EXCL: two workers starting together must not both write a key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _decode_key(path.read_text(encoding="ascii"))
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(generate_key() + "\n")
    return _decode_key(path.read_text(encoding="ascii"))


class Vault:
    def __init__(self, key: bytes):
        if len(key) != 32:
            raise ValueError("PII vault key must be 32 bytes")
        self._aead = AESGCM(key)

    @classmethod
    def from_env_or_file(cls, path: str | os.PathLike | None = None) -> "Vault":
        return cls(load_vault_key(path))

    def encrypt(self, mapping: dict[str, str], context: str = "") -> bytes:
        nonce = os.urandom(12)
        plain = json.dumps(mapping, ensure_ascii=False, sort_keys=True).encode()
        return _VERSION + nonce + self._aead.encrypt(nonce, plain, context.encode())

    def decrypt(self, blob: bytes, context: str = "") -> dict[str, str]:
        if len(blob) < 13 + 16 or blob[:1] != _VERSION:
            raise VaultError("not a PII vault blob")
        try:
            plain = self._aead.decrypt(blob[1:13], blob[13:], context.encode())
        except InvalidTag as exc:
            raise VaultError("PII vault blob does not decrypt with this key and context") from exc
        return json.loads(plain)

    def __repr__(self) -> str:  # never show key material
        return "Vault(<key>)"
