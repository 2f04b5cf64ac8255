"""Starting real worker processes for integration tests, against the test database and broker."""
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[2]


def database_url():
    """The URL of the database this test process uses (the test database, not the real one)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(env_overrides, queues="ingest,inference,default", log_path=None):
    env = {**os.environ, **env_overrides}
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "appliance", "worker", "-Q", queues, "--pool", "solo",
         "--loglevel", "INFO", "--without-mingle", "--without-gossip"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    return process


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until(predicate, timeout=90, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def worker_env():
    return {
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "STORAGE_DIR": str(settings.MEDIA_ROOT),
        "COLONY_VAR_DIR": str(settings.VAR_DIR),
    }
