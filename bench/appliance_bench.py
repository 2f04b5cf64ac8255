"""Throughput of the running appliance against the batch path, on the same documents.

    .venv/bin/python bench/appliance_bench.py [--count 100] [--workers 2] [--worker-concurrency 3] [--examples 300] [--filesystem-broker]

Starts a stack on a fresh data directory (the embedded defaults: SQLite and a Redis of its own on a
socket, as bin/start runs it; ``--filesystem-broker``: kombu's filesystem transport instead; or
DATABASE_URL / CELERY_BROKER_URL when set, which must then point at a scratch database): the web
server and one worker with every queue, as bin/start runs them. Uploads ``--count`` documents through
the REST API as fast as it answers, waits until every one is final (done, needs_review or failed),
and reports documents per second from the first upload to the last final status, with each
document's latency from its ``received`` to its final status (the server's own history times). Then
``process_folder`` reads the same files in-process, and the ratio of the two is printed.

Documents: the evaluation set's receipts (../shared/eval/docs) when present, else generated letters.
"""
import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL_DOCS = REPO.parent / "shared" / "eval" / "docs"
PYTHON = REPO / ".venv" / "bin" / "python"
FINAL = ("done", "needs_review", "failed")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _documents(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    if EVAL_DOCS.is_dir():
        sources = sorted(EVAL_DOCS.glob("receipt-*.txt"))
        for index in range(count):
            source = sources[index % len(sources)]
            if index < len(sources):
                shutil.copy(source, folder / source.name)
            else:  # more documents than receipts: reprints, each its own file (the same bytes would be one document)
                (folder / f"{source.stem}-reprint{index // len(sources)}.txt").write_bytes(
                    source.read_bytes() + f"\nREPRINT {index // len(sources)}\n".encode())
    else:
        for index in range(count):
            (folder / f"letter-{index:04d}.txt").write_text(
                f"Dear customer,\nyour order {index} of 12/03/2024 was shipped.\nTotal: {index}.50 EUR\nKind regards\n")
    return sorted(folder.iterdir())


def _api(port, token, path, data=None, headers=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers or {})
    request.add_header("Authorization", f"Token {token}")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _upload(port, token, path: Path):
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    return _api(port, token, "/api/v1/documents/", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def _when(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _manage(env, *args):
    return subprocess.run([str(PYTHON), "manage.py", *args], cwd=REPO, env=env, check=True, capture_output=True,
                          text=True).stdout


# What a trained type leaves the classifier: each trained document's redacted text as an example (about 30,000
# characters an NDA). Generated words, so the benchmark needs no evaluation set for them.
EXAMPLE_WORDS = "the parties agree that confidential information shall not be disclosed <PERSON> Delaware".split()


def _add_examples(env, count):
    """``count`` NDA-sized classifier examples of the shipped nda type, as ``train_type`` would leave them."""
    code = ("import random; from appliance.documents.models import DocumentType, ExampleDocument; "
            "nda = DocumentType.objects.get(name='nda'); random.seed(0); "
            f"ExampleDocument.objects.bulk_create([ExampleDocument(doc_type=nda, source='training', "
            f"text=' '.join(random.choices({EXAMPLE_WORDS!r}, k=4000))) for _ in range({count})])")
    _manage(env, "shell", "-c", code)


def appliance_run(env, files, workers, split_queues=False, deadline_seconds=7200, examples=0):
    _manage(env, "migrate", "--noinput")
    if examples:
        _add_examples(env, examples)
    _manage(env, "create_user", "bench", "--role", "clerk", "--password", "bench-pass-123")
    token = re.search(r"token (\w+)", _manage(env, "drf_create_token", "bench")).group(1)
    port = _free_port()
    logs = Path(env["COLONY_VAR_DIR"])
    web = subprocess.Popen([str(REPO / ".venv" / "bin" / "gunicorn"), "appliance.wsgi", "--bind", f"127.0.0.1:{port}",
                            "--workers", "2", "--timeout", "120"], cwd=REPO, env=env,
                           stdout=subprocess.DEVNULL, stderr=open(logs / "web.log", "wb"))
    # One worker with every queue, as bin/start runs it; or (--split-queues) an ingest-only and an
    # inference-only worker, as separate machines would run them.
    queues = [("ingest", 1), ("inference,default", workers)] if split_queues else [("ingest,inference,default", workers)]
    workers = [subprocess.Popen([str(REPO / ".venv" / "bin" / "celery"), "-A", "appliance", "worker", "-Q", names,
                                 "--hostname", f"{names.split(',')[0]}@%h", "--concurrency", str(concurrency),
                                 "--loglevel", "WARNING"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                stderr=open(logs / f"worker-{names.split(',')[0]}.log", "wb"))
               for names, concurrency in queues]
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        time.sleep(10)  # the worker loads its models
        started = time.time()
        ids = [_upload(port, token, path)["id"] for path in files]
        uploaded = time.time() - started
        # The stages run about in upload order: wait on the oldest unfinished document only, then read
        # every document's history once (polling a thousand documents each second loaded the web server).
        deadline = time.monotonic() + deadline_seconds
        for document_id in ids:
            while time.monotonic() < deadline and _api(port, token, f"/api/v1/documents/{document_id}/")["status"] not in FINAL:
                time.sleep(0.5)
        finals, lost, duplicated = {}, 0, 0
        for document_id in ids:
            document = _api(port, token, f"/api/v1/documents/{document_id}/")
            if document["status"] not in FINAL:
                lost += 1
                continue
            history = document["history"]
            statuses = [change["status"] for change in history]
            duplicated += len(statuses) != len(set(statuses))  # a stage that ran twice
            finals[document_id] = (document["status"], _when(history[0]["at"]), _when(history[-1]["at"]))
        last = max(end for _, _, end in finals.values())
        latencies = sorted(end - begin for _, begin, end in finals.values())
        statuses = {s: sum(1 for status, _, _ in finals.values() if status == s) for s in FINAL}
        return {"seconds": last - started, "upload_seconds": uploaded, "latencies": latencies, "statuses": statuses,
                "lost": lost, "duplicated": duplicated}
    finally:
        for process in (web, *workers):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def batch_run(env, folder, workers):
    started = time.time()
    _manage(env, "process_folder", str(folder), "--out", str(folder.parent / "batch.jsonl"), "--workers", str(workers))
    return time.time() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="worker processes, for both paths")
    parser.add_argument("--worker-concurrency", type=int, default=None,
                        help="processes of the appliance's worker (default: --workers); process_folder keeps --workers")
    parser.add_argument("--examples", type=int, default=0,
                        help="classifier examples of a trained type to add first (NDA-sized generated texts)")
    parser.add_argument("--filesystem-broker", action="store_true", help="kombu's filesystem transport, no Redis")
    parser.add_argument("--split-queues", action="store_true", help="an ingest-only and an inference-only worker")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        files = _documents(work / "docs", args.count)
        env = {**os.environ, "COLONY_VAR_DIR": str(work / "var"), "DJANGO_SETTINGS_MODULE": "appliance.settings",
               "COLONY_MODELS_DIR": os.environ.get("COLONY_MODELS_DIR", str(REPO / "var" / "models"))}
        (work / "var").mkdir()
        broker = None
        if "CELERY_BROKER_URL" not in env and not args.filesystem_broker:
            socket_path = work / "redis.sock"
            broker = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", str(socket_path), "--dir", str(work),
                                       "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            env["CELERY_BROKER_URL"] = f"redis+socket://{socket_path}"
        try:
            appliance = appliance_run(env, files, args.worker_concurrency or args.workers, args.split_queues,
                                      examples=args.examples)
        finally:
            if broker is not None:
                broker.terminate()
                broker.wait(timeout=30)
        batch = batch_run(env, work / "docs", args.workers)
    n = len(files)
    rate, batch_rate = n / appliance["seconds"], n / batch
    latencies = appliance["latencies"]
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    print(f"documents: {n} ({'evaluation receipts' if EVAL_DOCS.is_dir() else 'generated letters'}), "
          f"broker {env.get('CELERY_BROKER_URL', 'filesystem://')}, {args.worker_concurrency or args.workers} worker processes"
          f"{' (inference) and 1 (ingest)' if args.split_queues else ''}"
          f"{f', {args.examples} classifier examples of a trained type' if args.examples else ''}")
    print(f"appliance: {rate:.2f} documents/s (uploads took {appliance['upload_seconds']:.1f} s), "
          f"latency p50 {statistics.median(latencies):.1f} s, p95 {p95:.1f} s, final statuses {appliance['statuses']}, "
          f"lost {appliance['lost']}, a stage run twice {appliance['duplicated']}")
    print(f"process_folder: {batch_rate:.2f} documents/s")
    print(f"ratio: {rate / batch_rate:.2f} (target >= 0.80)")


if __name__ == "__main__":
    sys.exit(main())
