"""Encryption at rest of the columns that hold personal data in clear: page text, extracted
values and reviewers' corrections.

A database dump holds only ciphertext for them. The key is derived from the PII vault's key,
which lives outside the database (``COLONY_PII_KEY`` or ``COLONY_PII_KEY_FILE``), so the vault's
blobs and these columns never share a key. The fields are transparent to the ORM: code reads and
writes plain values; filtering on their content is not possible (nothing here needs it).
A value stored before encryption was introduced is read as it is, and the migration seals it.
"""
import base64
import functools
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

from extraction.pii.vault import ENV_KEY, load_vault_key

PREFIX = "colony-enc:v1:"


class SealedValueError(Exception):
    """A stored value that does not decrypt with this appliance's key (another key, or tampered)."""


@functools.lru_cache(maxsize=4)
def _cipher_for(env_key, key_file):
    vault_key = load_vault_key(key_file)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"colony columns at rest v1").derive(vault_key)
    return AESGCM(derived)


def _cipher():
    # Keyed by where the key comes from, so a test (or a deployment) that changes it gets the new one.
    return _cipher_for(os.environ.get(ENV_KEY, ""), str(settings.COLONY_PII_KEY_FILE))


def seal(text):
    nonce = os.urandom(12)
    return PREFIX + base64.b64encode(nonce + _cipher().encrypt(nonce, text.encode(), None)).decode("ascii")


def is_sealed(stored):
    return isinstance(stored, str) and stored.startswith(PREFIX)


def unseal(stored):
    if not is_sealed(stored):
        return stored  # stored before encryption at rest
    blob = base64.b64decode(stored[len(PREFIX):])
    try:
        return _cipher().decrypt(blob[:12], blob[12:], None).decode()
    except InvalidTag:
        raise SealedValueError("A stored value does not decrypt with this appliance's PII key.") from None


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted; the empty string stays empty (an empty page says nothing)."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return seal(value) if value and not is_sealed(value) else value

    def from_db_value(self, value, expression, connection):
        return unseal(value) if value else value


class EncryptedJSONField(models.JSONField):
    """A JSONField whose value is stored as one encrypted JSON string; None stays NULL."""

    def get_prep_value(self, value):
        if value is None or is_sealed(value):
            return super().get_prep_value(value)
        return super().get_prep_value(seal(json.dumps(value, cls=self.encoder)))

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        return json.loads(unseal(value), cls=self.decoder) if is_sealed(value) else value


def seal_existing_rows(app_label, models_and_fields, batch_size=500):
    """A migration step that encrypts the values stored in clear before these fields existed."""

    def run(apps, schema_editor):
        for model_name, field_names in models_and_fields:
            model = apps.get_model(app_label, model_name)
            # Reading goes through the encrypted fields (clear values pass through), saving seals them.
            rows = model.objects.only("pk", *field_names).order_by("pk")
            batch = []
            for row in rows.iterator(chunk_size=batch_size):
                batch.append(row)
                if len(batch) == batch_size:
                    model.objects.bulk_update(batch, field_names)
                    batch = []
            if batch:
                model.objects.bulk_update(batch, field_names)

    return run
