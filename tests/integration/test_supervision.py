"""bin/start's process manager (deploy/embedded/supervisord.conf): a worker killed with kill -9 is
started again, and the web server stays up meanwhile. The real supervisord, gunicorn and celery."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_embedded_defaults import _healthy, embedded_env, free_port, manage  # noqa: F401
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


def test_a_killed_worker_is_restarted_and_the_web_server_stays_up(embedded_env, tmp_path):
    manage(embedded_env, "migrate", "--noinput")
    port = free_port()
    env = {**embedded_env, "PORT": str(port), "COLONY_ROOT": str(REPO), "COLONY_LOG_DIR": str(tmp_path / "log"),
           "COLONY_RUN_DIR": str(tmp_path / "run"), "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
    (tmp_path / "log").mkdir()
    (tmp_path / "run").mkdir()
    supervisor = subprocess.Popen([str(BIN / "supervisord"), "-c", str(CONF)], env=env, cwd=REPO,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until(lambda: _healthy(port), timeout=90), (tmp_path / "log" / "web.log").read_text()[-2000:]
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
        assert wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in pool), timeout=30), pool
    finally:
        supervisor.send_signal(signal.SIGTERM)
        try:
            supervisor.wait(timeout=40)
        except subprocess.TimeoutExpired:
            supervisor.kill()
