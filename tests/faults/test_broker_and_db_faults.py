"""Faults of the services around the workers: Redis restarted empty, Redis down at submit
time, PostgreSQL connections cut mid-run, and a flaky network to Redis (fault proxy)."""
from __future__ import annotations

import json
import time

import pytest
from django.db import connection

from apps.runs.models import Run
from tests.worker_process import WorkerProcess

from .conftest import points_of, queued_run, status_of, wait_for
from .tcp_proxy import FaultProxy

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]




@pytest.fixture
def worker_on(short_lease):
    started = []

    def start(name: str, redis_url: str, **env) -> WorkerProcess:
        process = WorkerProcess(name=name, env={**short_lease, "REDIS_URL": redis_url, **env})
        process.start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def test_f5_runs_queued_when_redis_restarts_empty_still_run(catalog, own_redis, worker_on):
    worker_on("f5", own_redis.url)
    first = queued_run(catalog, steps=60, sleep_s=0.05)
    waiting = [queued_run(catalog, steps=5) for _ in range(3)]
    wait_for(lambda: status_of(first) == "running", 60, "the first run to start")
    wait_for(lambda: all(Run.objects.get(pk=r.pk).enqueued_at for r in waiting), 30, "the others to be enqueued")
    own_redis.kill()
    own_redis.start()  # empty: the three messages are gone
    restarted = time.monotonic()
    for run in [first, *waiting]:
        wait_for(lambda run=run: status_of(run) == "succeeded", 90, f"run {run.pk}", every=0.2)
    assert all(Run.objects.get(pk=r.pk).attempts == 1 for r in waiting)
    print(f"F5: all 4 runs succeeded {time.monotonic() - restarted:.1f} s after Redis came back empty")


def test_f6_a_submission_while_redis_is_down_is_a_clear_503_and_creates_nothing(catalog, alice, client, monkeypatch):
    from apps.accounts.models import ApiToken
    from apps.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    token = ApiToken.issue(alice)[1]
    response = client.post("/api/runs", data=json.dumps({"method": "lab-probe"}), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 503 and "unreachable" in response.json()["detail"]
    client.force_login(alice)
    page = client.post("/methods/lab-probe/runs", {"preset": "smoke", "seed": "0"})
    assert page.status_code == 503 and "nothing was queued" in page.content.decode()
    assert Run.objects.count() == 0


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_f7_cut_database_connections_never_yield_a_success_with_missing_points(catalog, worker_on, settings):
    from django.conf import settings as live

    worker_on("f7", live.CELERY_BROKER_URL)
    run = queued_run(catalog, steps=200, sleep_s=0.02)
    wait_for(lambda: points_of(run) > 20, 60, "points to flow")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        cut = cursor.fetchone()[0]
    wait_for(lambda: status_of(run) in ("succeeded", "failed"), 90, "a terminal state", every=0.2)
    run.refresh_from_db()
    assert cut >= 1
    assert run.status == "failed" or points_of(run) == 200
    print(f"F7: cut {cut} connections; run {run.status} after {run.attempts} attempts with {points_of(run)} points")


def test_f11_latency_resets_and_a_blackhole_to_redis_neither_hang_nor_duplicate(catalog, own_redis, worker_on):
    proxy = FaultProxy(own_redis.port).start()
    try:
        worker_on("f11", f"redis://127.0.0.1:{proxy.port}/0", BROKER_SOCKET_TIMEOUT_S="3")
        started = time.monotonic()
        runs = []
        for mode, hold in (("latency", 3.0), ("reset", 2.0), ("blackhole", 5.0)):
            batch = [queued_run(catalog, steps=30, sleep_s=0.02) for _ in range(2)]
            runs += batch
            proxy.set_mode(mode)
            time.sleep(hold)
            proxy.set_mode("pass")
            for run in batch:
                wait_for(lambda run=run: status_of(run) == "succeeded", 90, f"run {run.pk} after {mode}", every=0.2)
        elapsed = time.monotonic() - started
        assert all(Run.objects.get(pk=r.pk).attempts == 1 and points_of(r) == 30 for r in runs)
        assert elapsed < 150
        print(f"F11: 6 runs through latency/reset/blackhole in {elapsed:.1f} s, each once")
    finally:
        proxy.stop()
