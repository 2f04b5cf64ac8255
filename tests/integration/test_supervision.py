"""bin/start's process manager (deploy/embedded/supervisord.conf): a worker killed with kill -9 is
started again, the web server stays up meanwhile, and the task the worker was killed in is done again,
once, from the embedded broker (bin/start's own Redis on a socket). The real supervisord, redis-server,
gunicorn and celery."""
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_embedded_defaults import _healthy, api, embedded_env, free_port, manage, multipart  # noqa: F401
from tests.integration.test_redelivery import STATEMENT
from tests.integration.workers import REPO, wait_until

pytestmark = pytest.mark.integration
CONF = REPO / "deploy" / "embedded" / "supervisord.conf"
BIN = Path(sys.executable).parent


def _ctl(env, *args):
    result = subprocess.run([str(BIN / "supervisorctl"), "-c", str(CONF), *args], env=env, capture_output=True,
                            text=True, timeout=30)
    return result.stdout.strip()


def _running_pid(env, program):
    """The program's process id while supervisor reports it RUNNING, else None."""
    if "RUNNING" not in _ctl(env, "status", program):
        return None
    pid = _ctl(env, "pid", program)
    return int(pid) if pid.isdigit() and int(pid) > 0 else None


def _children(pid):
    """The process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if f"\nPPid:\t{pid}\n" in status.read_text():
                found.append(int(status.parent.name))
        except OSError:
            continue
    return found


@pytest.fixture
def supervised(embedded_env, tmp_path):
    """bin/start's processes under supervisord, as bin/start sets them up; yields (env, port)."""
    manage(embedded_env, "migrate", "--noinput")
    port = free_port()
    run = tmp_path / "run"
    env = {**embedded_env, "PORT": str(port), "COLONY_ROOT": str(REPO), "COLONY_LOG_DIR": str(tmp_path / "log"),
           "COLONY_RUN_DIR": str(run), "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
           "CELERY_BROKER_URL": f"redis+socket://{run}/redis.sock", "COLONY_EMBEDDED_BROKER": "true",
           "COLONY_BROKER_DIR": str(tmp_path / "broker-redis"),
           "COLONY_RESTORE_UNACKED_ON_START": "1"}
    for folder in ("log", "run", "broker-redis"):
        (tmp_path / folder).mkdir()
    supervisor = subprocess.Popen([str(BIN / "supervisord"), "-c", str(CONF)], env=env, cwd=REPO,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until(lambda: _healthy(port), timeout=90), (tmp_path / "log" / "web.log").read_text()[-2000:]
        yield env, port
    finally:
        supervisor.send_signal(signal.SIGTERM)
        try:
            supervisor.wait(timeout=40)
        except subprocess.TimeoutExpired:
            supervisor.kill()


def test_a_killed_worker_is_restarted_and_the_web_server_stays_up(supervised):
    env, port = supervised
    worker = wait_until(lambda: _running_pid(env, "worker"), timeout=90)
    assert worker, _ctl(env, "status")
    pool = wait_until(lambda: _children(worker), timeout=60)
    assert pool, "the worker started no pool processes"
    os.kill(worker, signal.SIGKILL)  # the main process alone: its pool processes must not outlive it
    web_up = []

    def restarted():
        web_up.append(_healthy(port))
        pid = _running_pid(env, "worker")
        return pid if pid and pid != worker else None

    assert wait_until(restarted, timeout=90), _ctl(env, "status")
    assert all(web_up) and _healthy(port)
    assert wait_until(lambda: not any(_alive(pid) for pid in pool), timeout=30), pool


def _alive(pid):
    """Whether a process runs (a zombie waiting for whoever adopted it to reap it has ended)."""
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def _taken_messages(env):
    """How many messages workers have taken from the embedded broker and not yet acknowledged."""
    result = subprocess.run(["redis-cli", "-s", f"{env['COLONY_RUN_DIR']}/redis.sock", "hlen", "unacked"],
                            capture_output=True, text=True, timeout=10)
    return int(result.stdout.strip() or 0)


def test_the_task_a_killed_worker_was_in_is_done_again_once(supervised, embedded_env):
    env, port = supervised
    manage(embedded_env, "create_user", "kill9", "--role", "clerk", "--password", "kill9-pass-123")
    token = re.search(r"token (\w+)", manage(embedded_env, "drf_create_token", "kill9")).group(1)
    body, headers = multipart("statement.txt", STATEMENT.encode())
    status, created = api(port, token, "/api/v1/documents/", body, headers)
    assert status == 202

    def document():
        return api(port, token, f"/api/v1/documents/{created['id']}/")[1]

    worker = wait_until(lambda: _running_pid(env, "worker"), timeout=90)
    assert wait_until(lambda: document()["status"] == "text_extracted" and _taken_messages(env) == 1,
                      timeout=120, interval=0.2), document()
    os.kill(worker, signal.SIGKILL)  # in the middle of PII detection
    assert wait_until(lambda: (pid := _running_pid(env, "worker")) and pid != worker, timeout=90), _ctl(env, "status")
    final = wait_until(lambda: (d := document())["status"] in ("done", "needs_review", "failed") and d, timeout=180)
    assert final and final["status"] in ("done", "needs_review"), final
    count = manage(embedded_env, "shell", "-c", "from audit.models import AuditEvent; print(AuditEvent.objects.filter("
                   f"document_id={created['id']!r}, kind='pii_redacted').count())")
    assert count.strip().splitlines()[-1] == "1"
    assert _taken_messages(env) == 0
