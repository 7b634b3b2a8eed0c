"""The runner in-process: claim, execute, store, end — and the lease rules around it."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.runs import lifecycle
from apps.runs.models import Run
from apps.runs.points import point_count
from apps.runs.store import FencedOut, PointWriter
from workers.reaper import reap_once
from workers.runner import run_once

pytestmark = pytest.mark.django_db(transaction=True)


def make_run(method, **config) -> Run:
    return Run.objects.create(method=method, config={"steps": 20, **config}, config_hash="x", preset="smoke")


def test_a_run_succeeds_with_its_points_claims_and_artifacts(catalog):
    run = make_run(catalog, steps=30)
    assert run_once(run.pk) == "succeeded"
    run.refresh_from_db()
    assert run.status == "succeeded" and run.all_reproduced and run.progress == 1.0
    assert run.series.get().points == 30 == point_count(run)
    assert sorted(run.artifacts.values_list("name", flat=True)) == ["figure.html", "probe.txt"]
    assert run.device_name.startswith("cpu") and run.versions["numpy"] and run.attempts == 1
    assert run.queue_wait_s is not None and run.timings["wall_s"] > 0


def test_a_method_that_raises_fails_the_run_with_its_traceback_and_keeps_its_points(catalog):
    run = make_run(catalog, fail="raise", fail_at_step=5)
    assert run_once(run.pk) == "failed"
    run.refresh_from_db()
    assert "probe failure at step 5" in run.error and run.status == "failed"
    assert point_count(run) == 5


def test_a_second_delivery_of_a_finished_run_does_nothing(catalog):
    run = make_run(catalog)
    run_once(run.pk)
    assert run_once(run.pk) == "skipped"
    assert Run.objects.get(pk=run.pk).attempts == 1


def test_a_run_held_by_a_live_worker_is_not_claimed_twice(catalog):
    run = make_run(catalog)
    assert lifecycle.claim(run.pk) is not None
    assert lifecycle.claim(run.pk) is None


def test_cancel_while_running_stops_at_the_next_point_and_keeps_the_points(catalog, settings):
    settings.RUN_HEARTBEAT_S = 0.1
    run = make_run(catalog, steps=400, sleep_s=0.02)
    threading.Timer(0.8, lambda: lifecycle.cancel(Run.objects.get(pk=run.pk))).start()
    assert run_once(run.pk) == "cancelled"
    run.refresh_from_db()
    kept = point_count(run)
    assert run.status == "cancelled" and 5 < kept < 400


def test_cancel_while_queued_ends_it_at_once_and_is_idempotent(catalog):
    run = make_run(catalog)
    assert lifecycle.cancel(run) == "cancelled"
    assert lifecycle.cancel(run) == "cancelled"
    assert run_once(run.pk) == "skipped"


def test_cancel_after_it_finished_changes_nothing(catalog):
    run = make_run(catalog)
    run_once(run.pk)
    assert lifecycle.cancel(Run.objects.get(pk=run.pk)) == "succeeded"


def test_the_reaper_requeues_a_run_whose_lease_expired(catalog, settings):
    run = make_run(catalog)
    claimed = lifecycle.claim(run.pk)
    Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=settings.RUN_LEASE_S + 1))
    result = reap_once()
    assert run.pk in result["requeued"]
    run.refresh_from_db()
    assert run.status == "queued" and run.attempt_token != claimed.attempt_token


def test_the_reaper_fails_a_lost_run_past_its_attempts_cap(catalog, settings):
    run = make_run(catalog)
    lifecycle.claim(run.pk)
    Run.objects.filter(pk=run.pk).update(attempts=2, heartbeat_at=timezone.now() - timedelta(hours=1))
    assert run.pk in reap_once()["failed"]
    run.refresh_from_db()
    assert run.status == "failed" and "worker lost" in run.error


def test_a_reaped_attempt_can_no_longer_write_points(catalog):
    run = make_run(catalog)
    claimed = lifecycle.claim(run.pk)
    writer = PointWriter(run.pk, claimed.attempt_token)
    writer.write([("x", 0.0, 0.0, 1.0)])
    Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    reap_once()
    with pytest.raises(FencedOut):
        writer.write([("x", 1.0, 0.1, 0.5)])


def test_a_new_attempt_starts_from_no_points(catalog):
    run = make_run(catalog)
    claimed = lifecycle.claim(run.pk)
    PointWriter(run.pk, claimed.attempt_token).write([("x", 0.0, 0.0, 1.0)])
    Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert run_once(run.pk) == "succeeded"
    run.refresh_from_db()
    assert run.attempts == 2 and list(run.series.values_list("name", flat=True)) == ["probe value"]


def test_heartbeats_renew_the_lease_while_the_method_runs(catalog, settings):
    settings.RUN_HEARTBEAT_S = 0.1
    run = make_run(catalog, steps=30, sleep_s=0.03)
    beats = []

    def watch():
        for _ in range(8):
            time.sleep(0.1)
            beats.append(Run.objects.values_list("heartbeat_at", flat=True).get(pk=run.pk))

    watcher = threading.Thread(target=watch)
    watcher.start()
    run_once(run.pk)
    watcher.join()
    assert len({b for b in beats if b}) >= 3
