"""Periodic audit jobs (scheduled in settings.CELERY_BEAT_SCHEDULE, routed to the "default" queue)."""
from celery import shared_task

from audit import retention, signing
from audit.verify import verify_and_store


@shared_task(name="audit.verify_chain")
def verify_chain():
    result = verify_and_store()
    return {"ok": result.ok, "events": result.events_checked, "first_broken_seq": result.first_broken_seq}


@shared_task(name="audit.sign_head")
def sign_head():
    signature = signing.sign_head()
    return signature.seq if signature else None


@shared_task(name="audit.purge_expired")
def purge_expired():
    return retention.purge_expired()
