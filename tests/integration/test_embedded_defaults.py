"""Smoke test of the embedded defaults: SQLite and the filesystem broker under a fresh var/,
the real web server and a real worker, no PostgreSQL or Redis involved."""
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import urllib.request
import uuid

import pytest

from extraction.slm.registry import default_models_dir
from tests import docgen
from tests.integration.workers import REPO, stop, wait_until

pytestmark = pytest.mark.integration
UPLOAD_LIMIT = 200 * 1024


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def embedded_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "STORAGE_DIR")}
    env.update({"COLONY_VAR_DIR": str(tmp_path / "var"), "SECRET_KEY": "", "DJANGO_SETTINGS_MODULE": "appliance.settings",
                # The models built by the test command, not a rebuild into the fresh var/.
                "COLONY_MODELS_DIR": str(default_models_dir())})
    return env


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def api(port, token, path, data=None, headers=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers or {})
    request.add_header("Authorization", f"Token {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


def multipart(name, content):
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_fresh_var_dir_runs_web_and_worker_on_embedded_defaults(embedded_env, tmp_path):
    embedded_env["COLONY_MAX_UPLOAD_BYTES"] = str(UPLOAD_LIMIT)
    manage(embedded_env, "migrate", "--noinput")
    secret = tmp_path / "var" / "secret_key"
    assert secret.exists() and oct(secret.stat().st_mode & 0o777) == "0o600"
    manage(embedded_env, "create_user", "smoke", "--role", "clerk", "--password", "smoke-pass-123")
    token = re.search(r"token (\w+)", manage(embedded_env, "drf_create_token", "smoke")).group(1)

    port = free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "appliance.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=REPO, env=embedded_env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "web.log", "wb"),
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "appliance", "worker", "-Q", "ingest,inference,default",
         "--pool", "solo", "--without-mingle", "--without-gossip"],
        cwd=REPO, env=embedded_env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "worker.log", "wb"),
    )
    try:
        assert wait_until(lambda: _healthy(port), timeout=60), (tmp_path / "web.log").read_text()[-2000:]
        pdf = tmp_path / "two-pages.pdf"
        docgen.make_pdf(pdf, ["Embedded page one", "Embedded page two"])
        body, headers = multipart("two-pages.pdf", pdf.read_bytes())
        status, created = api(port, token, "/api/v1/documents/", body, headers)
        assert status == 202

        def finished():
            _, document = api(port, token, f"/api/v1/documents/{created['id']}/")
            return document if document["status"] in ("done", "needs_review", "failed") else None

        document = wait_until(finished, timeout=180)
        assert document is not None, (tmp_path / "worker.log").read_text()[-3000:]
        assert document["status"] in ("done", "needs_review"), document["failure_reason"]
        _, text = api(port, token, f"/api/v1/documents/{created['id']}/text/")
        assert "Embedded page two" in text["pages"][1]["text"]

        # Chunked transfer (no Content-Length), as gunicorn hands it over: stored, and 413 past the limit.
        small = chunked_upload(port, token, "letter.txt", b"A short letter.\n" * 10)
        assert small[0] == 202, small
        too_big = chunked_upload(port, token, "big.txt", b"x" * (2 * UPLOAD_LIMIT))
        assert too_big[0] == 413 and json.loads(too_big[1])["error"]["code"] == "too_large"
    finally:
        stop(web)
        stop(worker)


def chunked_upload(port, token, name, content):
    body, headers = multipart(name, content)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", "/api/v1/documents/", body=iter([body[i:i + 65536] for i in range(0, len(body), 65536)]),
                           headers={**headers, "Authorization": f"Token {token}"}, encode_chunked=True)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _healthy(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
