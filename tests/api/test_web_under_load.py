"""`make run` under load: the web server started as scripts/run_lab.sh starts it (scripts/web.sh,
gunicorn with threads) takes 50 API submissions sent at the same instant, each on its own
connection, and answers every one with 201 or 429 (the per-user cap): no reset, no 5xx."""
from __future__ import annotations

import http.client
import json
import os
import signal
import statistics
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests import worker_process
from tests.worker_process import ROOT, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
CLIENTS, USERS = 50, 5


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/api/openapi.json")
        return connection.getresponse().status == 200
    except OSError:
        return False


@pytest.fixture
def web_server(purge, tmp_path):
    """scripts/web.sh on a free port against the test database; stopped (SIGTERM) after."""
    port = free_port()
    log_path = Path(tmp_path) / "web.log"
    env = {**os.environ, "DATABASE_URL": worker_process.test_database_url(), "REPROLAB_WEB_BIND": f"127.0.0.1:{port}"}
    with log_path.open("w") as log:
        process = subprocess.Popen(["bash", "scripts/web.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        wait_for(lambda: answers(port) or process.poll() is not None, 60, "gunicorn to answer")
        assert process.poll() is None, log_path.read_text()[-3000:]
        yield port, log_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def submit(port: int, token: str, seed: int, start: threading.Barrier, out: list) -> None:
    body = json.dumps({"method": "lab-probe", "preset": "smoke", "seed": seed})
    start.wait()
    began = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("POST", "/api/runs", body=body, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        out.append((token, response.status, time.perf_counter() - began))
    except Exception as exc:  # a reset, a refused connection, a timeout
        out.append((token, f"{type(exc).__name__}: {exc}", time.perf_counter() - began))


def test_fifty_concurrent_submissions_get_201_or_429_never_a_reset_or_a_5xx(web_server, catalog, django_user_model):
    from apps.accounts.models import ApiToken
    from apps.runs.models import Run

    port, log_path = web_server
    tokens = [ApiToken.issue(django_user_model.objects.create_user(f"load{k}", password="load-password-1"))[1]
              for k in range(USERS)]
    results: list = []
    start = threading.Barrier(CLIENTS)
    threads = [threading.Thread(target=submit, args=(port, tokens[k % USERS], k, start, results)) for k in range(CLIENTS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    wall = time.perf_counter() - began

    codes = [status for _, status, _ in results]
    latencies = sorted(seconds for *_, seconds in results)
    figures = {
        "clients": CLIENTS, "wall_s": round(wall, 2), "201": codes.count(201), "429": codes.count(429),
        "other": [c for c in codes if c not in (201, 429)],
        "p50_s": round(statistics.median(latencies), 3), "p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "max_s": round(latencies[-1], 3),
    }
    print("web under load:", json.dumps(figures))
    assert len(results) == CLIENTS and not figures["other"], (figures, log_path.read_text()[-3000:])
    cap = int(os.environ.get("RUNS_PER_USER_CAP", "5"))
    per_user = CLIENTS // USERS
    assert figures["201"] == USERS * min(cap, per_user) == Run.objects.count(), figures
