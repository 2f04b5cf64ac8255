"""The Celery application: settings come from Django's (CELERY_* names)."""
import ctypes
import ctypes.util
import os
import signal

from celery import Celery
from celery.signals import beat_embedded_init, task_prerun, worker_init, worker_process_init
from django.db import close_old_connections

from appliance import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appliance.settings")

app = Celery("colony")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def restore_what_a_dead_worker_took(sender, **kwargs):
    """Before consuming, put back the messages a killed predecessor had taken from this worker's queues
    (appliance/broker.py); only where the deployment says each queue has one worker."""
    if os.environ.get("COLONY_RESTORE_UNACKED_ON_START", "").lower() not in ("1", "true", "yes"):
        return
    queues = set(sender.app.amqp.queues.consume_from or sender.app.amqp.queues)
    restored = broker.restore_unacknowledged(sender.app, queues)
    if restored:
        broker.logger.warning("put back %d message(s) a stopped worker had taken from %s", restored, ", ".join(sorted(queues)))


# prctl(2)'s PR_SET_PDEATHSIG: the kernel sends a signal to this process when its parent dies.
_PR_SET_PDEATHSIG = 1
_MAIN_PID = "COLONY_WORKER_MAIN_PID"


@worker_init.connect
def remember_the_main_process(**kwargs):
    """The worker's main process id, inherited by the processes it forks (die_with_the_worker checks it)."""
    os.environ[_MAIN_PID] = str(os.getpid())


@worker_process_init.connect
@beat_embedded_init.connect
def die_with_the_worker(**kwargs):
    """A pool process (or the scheduler bin/start embeds, -B) ends when the worker's main process dies
    (kill -9, out of memory): left orphaned, each pool process held its loaded models (~400 MB) while
    supervisor started a new worker beside it."""
    main = os.environ.get(_MAIN_PID)
    if main == str(os.getpid()):
        return  # the solo pool: the worker's main process runs the tasks itself
    libc = ctypes.util.find_library("c")
    if libc:
        ctypes.CDLL(libc, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    # The worker may have died between this process's fork and the line above (killed while starting):
    # then no signal will come, and this process must not live on as an orphan.
    if main and os.getppid() != int(main):
        os._exit(1)


INFERENCE_QUEUE = "inference"


@worker_process_init.connect
def load_models_once(**kwargs):
    """Each worker process loads the local models and the PII analyzer once, at start, not per task; only in
    a worker that consumes the inference queue: an ingest-only worker (text and OCR) needs none of them, and
    loading them cost it ~400 MB and 4 s of the classifier's training a process."""
    from appliance.documents import processing
    from extraction.pii import get_analyzer

    if INFERENCE_QUEUE not in app.amqp.queues.consume_from:
        return
    processing.runtime()
    get_analyzer()
    # The classifier embeds its shipped examples the first time it is asked (about 4 s a process): before the
    # first document, not during it.
    processing.warm_up_classifier()


@task_prerun.connect
def replace_stale_database_connections(**kwargs):
    """The worker reuses its database connection between tasks (CELERY_DB_REUSE_MAX); one that broke (the
    database restarted) or outlived CONN_MAX_AGE is closed here, so the task opens a fresh one."""
    close_old_connections()
