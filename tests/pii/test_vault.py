import os
import stat

import pytest

from extraction.pii import Vault, VaultError, load_vault_key
from extraction.pii.vault import ENV_KEY, generate_key

MAPPING = {"<PERSON_1>": "Jane Miller", "<IBAN_CODE_1>": "DE89 3704 0044 0532 0130 00"}


def test_round_trip_and_ciphertext_hides_values(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_KEY, raising=False)
    vault = Vault(load_vault_key(tmp_path / "pii.key"))
    blob = vault.encrypt(MAPPING, context="doc-42")
    assert b"Jane" not in blob and b"DE89" not in blob
    assert vault.decrypt(blob, context="doc-42") == MAPPING
    assert vault.encrypt(MAPPING, context="doc-42") != blob  # fresh nonce every time


def test_key_file_created_0600_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_KEY, raising=False)
    path = tmp_path / "pii.key"
    key = load_vault_key(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_vault_key(path) == key and len(key) == 32


def test_env_key_wins(tmp_path, monkeypatch):
    encoded = generate_key()
    monkeypatch.setenv(ENV_KEY, encoded)
    key = load_vault_key(tmp_path / "unused.key")
    assert not (tmp_path / "unused.key").exists()
    assert Vault(key).decrypt(Vault(key).encrypt(MAPPING)) == MAPPING


def test_wrong_key_tamper_or_other_document_fails(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_KEY, raising=False)
    vault = Vault(load_vault_key(tmp_path / "a.key"))
    other = Vault(load_vault_key(tmp_path / "b.key"))
    blob = vault.encrypt(MAPPING, context="doc-1")
    with pytest.raises(VaultError):
        other.decrypt(blob, context="doc-1")
    with pytest.raises(VaultError):
        vault.decrypt(blob, context="doc-2")
    with pytest.raises(VaultError):
        vault.decrypt(blob[:-1] + bytes([blob[-1] ^ 1]), context="doc-1")
    assert "key" in repr(vault) and str(load_vault_key(tmp_path / "a.key")) not in repr(vault)
