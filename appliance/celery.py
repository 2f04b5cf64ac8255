"""The Celery application: settings come from Django's (CELERY_* names)."""
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appliance.settings")

app = Celery("colony")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def load_models_once(**kwargs):
    """Each worker process loads the local models and the PII analyzer once, at start, not per task."""
    from appliance.documents import processing
    from extraction.pii import get_analyzer

    processing.runtime()
    get_analyzer()
