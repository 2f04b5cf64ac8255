"""Revealing personal data is a permission of its own, and every reveal is audited."""
from audit.events import record


def record_reveal(user, document, what, field=""):
    record("pii_revealed", document=document, actor=user, field=field, details={"what": what})


def vault_values(document):
    """Placeholder -> original value, decrypted from the document's vault (callers check permission)."""
    from django.conf import settings

    from extraction.pii import Vault, load_vault_key

    if not document.pii_vault:
        return {}
    return Vault(load_vault_key(settings.COLONY_PII_KEY_FILE)).decrypt(bytes(document.pii_vault), context=str(document.pk))
