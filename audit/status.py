"""The chain's state as the UI shows it: from the newest verification run, never recomputed per page."""
from datetime import timedelta

from django.utils import timezone

from audit.models import ChainCheck, ChainSignature

# Verification runs hourly; past this, the last "OK" no longer says much.
STALE_AFTER = timedelta(hours=26)


def chain_status():
    check = ChainCheck.objects.first()
    signature = ChainSignature.objects.order_by("-seq").first()
    if check is None:
        state = "unknown"
    elif not check.ok:
        state = "broken"
    elif timezone.now() - check.checked_at > STALE_AFTER:
        state = "stale"
    else:
        state = "ok"
    return {"state": state, "check": check, "signature": signature, "alarm": state in ("broken", "stale")}
