"""The tests run on their own data directory and broker, never a running appliance's. The test
settings (tests/settings.py, pytest.ini's DJANGO_SETTINGS_MODULE) call ``ensure_isolated`` before
they read the appliance's settings.

A fresh temporary var/ directory (SQLite file, filesystem broker, storage, keys), removed at the
end; on Redis, another database of the same server (COLONY_TEST_REDIS_DB, default 15); on
PostgreSQL, pytest-django's own test database. Only the built models are shared, read-only. Before
this, a test run while bin/start was up consumed the appliance's queued messages.
"""
import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APPLIANCE_VAR_DIR = Path(os.environ.get("COLONY_VAR_DIR") or REPO / "var")
_REDIS = re.compile(r"^(rediss?://[^/]*)(/\d*)?$")


def isolate(environ) -> Path:
    """Point ``environ`` at a fresh data directory and the test Redis database; returns the directory."""
    environ.setdefault("COLONY_MODELS_DIR", str(APPLIANCE_VAR_DIR / "models"))
    var_dir = Path(tempfile.mkdtemp(prefix="colony-test-"))
    environ["COLONY_VAR_DIR"] = str(var_dir)
    match = _REDIS.match(environ.get("CELERY_BROKER_URL", ""))
    if match:
        environ["CELERY_BROKER_URL"] = f"{match.group(1)}/{environ.get('COLONY_TEST_REDIS_DB', '15')}"
    return var_dir


def ensure_isolated() -> Path:
    """Isolate this process once; the worker processes tests start inherit its environment (and so
    its data directory and broker) and do not isolate again."""
    if os.environ.get(_MARK) != "1":
        var_dir = isolate(os.environ)
        os.environ[_MARK] = "1"
        atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
    return Path(os.environ["COLONY_VAR_DIR"])


_MARK = "COLONY_TESTS_ISOLATED"
TEST_VAR_DIR = ensure_isolated()
