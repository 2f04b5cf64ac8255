"""Redaction operators are chosen per entity type in the deployment's PII configuration."""
from extraction.pii import redact
from extraction.pii.config import load_config
from extraction.pii.types import PagePiiSpan


def test_operators_come_from_the_deployment_file(tmp_path):
    override = tmp_path / "pii.yaml"
    override.write_text("operators:\n  EMAIL_ADDRESS: mask\n  PHONE_NUMBER: hash\n")
    config = load_config(override)
    assert config.operators == {"default": "replace", "EMAIL_ADDRESS": "mask", "PHONE_NUMBER": "hash"}

    text = "Jane Roe, jane@example.org, +1 415 555 0199"
    spans = [PagePiiSpan(1, 0, 8, "PERSON"), PagePiiSpan(1, 10, 26, "EMAIL_ADDRESS"), PagePiiSpan(1, 28, 43, "PHONE_NUMBER")]
    [redacted], _ = redact([text], spans, config.operators, hash_key=b"k" * 32)
    assert redacted.startswith("<PERSON_1>, ")
    assert "jane@example.org" not in redacted and "*" in redacted
    assert "555 0199" not in redacted


def test_shipped_default_replaces_everything():
    assert load_config().operators == {"default": "replace"}
