"""Faults of workers: killed children and parents, SIGTERM, crash loops, time limits,
duplicate deliveries, and memory over many runs. The run's row is the truth throughout:
every run ends in exactly one terminal state with complete points, or explains why not."""
from __future__ import annotations

import os
import signal
import time

import pytest

from apps.runs.models import Run
from tests.worker_process import WorkerProcess

from .conftest import points_of, queued_run, status_of, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]




def test_f1_a_killed_pool_child_is_run_again_at_most_once(catalog, workers):
    worker = workers("f1")
    run = queued_run(catalog, steps=60, sleep_s=0.05)
    wait_for(lambda: status_of(run) == "running" and points_of(run) > 3, 60, "the run to start")
    pool_children = [pid for pid in worker.children() if pid != Run.objects.get(pk=run.pk).worker_pid]
    killed_at = time.monotonic()
    for pid in pool_children:
        os.kill(pid, signal.SIGKILL)  # the run process dies with it (PR_SET_PDEATHSIG)
    wait_for(lambda: status_of(run) == "succeeded", 90, "the second attempt", every=0.2)
    run.refresh_from_db()
    assert run.attempts == 2 and points_of(run) == 60
    print(f"F1: recovered in {time.monotonic() - killed_at:.1f} s, {run.attempts} attempts")


def test_f2_a_killed_worker_is_replaced_by_another_after_the_lease(catalog, workers, settings):
    first = workers("f2a")
    run = queued_run(catalog, steps=60, sleep_s=0.05)
    wait_for(lambda: status_of(run) == "running", 60, "the run to start")
    first.kill_all()
    killed_at = time.monotonic()
    workers("f2b")
    wait_for(lambda: status_of(run) == "succeeded", 90, "another worker to finish it", every=0.2)
    run.refresh_from_db()
    assert run.attempts == 2 and points_of(run) == 60
    print(f"F2: lease {settings.RUN_LEASE_S} s; finished elsewhere {time.monotonic() - killed_at:.1f} s after the kill")


def test_f3_a_redelivered_message_never_runs_a_second_copy(catalog, workers):
    # A visibility timeout far below the run's length makes Redis hand the message out again.
    env = {"BROKER_VISIBILITY_TIMEOUT_S": "2"}
    first = workers("f3a", **env)
    run = queued_run(catalog, steps=100, sleep_s=0.08)
    wait_for(lambda: status_of(run) == "running", 60, "the run to start")
    second = workers("f3b", **env)
    wait_for(lambda: status_of(run) == "succeeded", 120, "the run to finish", every=0.2)
    run.refresh_from_db()
    assert run.attempts == 1 and points_of(run) == 100
    skipped = (first.output() + second.output()).count("'skipped'")
    print(f"F3: duplicate deliveries dropped: {skipped}")


def test_f4_a_method_that_kills_its_process_fails_after_the_attempts_cap(catalog, workers):
    workers("f4")
    run = queued_run(catalog, fail="exit", fail_at_step=2)
    wait_for(lambda: status_of(run) == "failed", 90, "the run to fail", every=0.2)
    run.refresh_from_db()
    assert run.attempts == run.max_attempts == 2
    assert "exited with code 17" in run.error and "gave up after 2 attempts" in run.error


def test_f8_cancel_while_queued_running_and_finished_is_right_and_idempotent(catalog, workers, alice_client):
    from apps.runs import lifecycle

    queued = queued_run(catalog)
    assert lifecycle.cancel(queued) == lifecycle.cancel(queued) == "cancelled"
    workers("f8")
    running = queued_run(catalog, steps=2000, sleep_s=0.01)
    wait_for(lambda: points_of(running) > 0, 60, "points")
    lifecycle.cancel(running)
    lifecycle.cancel(running)
    wait_for(lambda: status_of(running) == "cancelled", 30, "the stop")
    kept = points_of(running)
    done = queued_run(catalog, steps=5)
    wait_for(lambda: status_of(done) == "succeeded", 60, "a short run")
    assert lifecycle.cancel(done) == "succeeded" and 0 < kept < 2000
    assert status_of(queued) == "cancelled" and points_of(queued) == 0


def test_f9_the_soft_time_limit_fails_the_run_and_keeps_its_points(catalog, workers):
    workers("f9s", RUN_SOFT_TIME_LIMIT_S="3", RUN_HARD_TIME_LIMIT_S="30")
    run = queued_run(catalog, steps=10_000, sleep_s=0.01)
    wait_for(lambda: status_of(run) == "failed", 60, "the soft limit", every=0.2)
    run.refresh_from_db()
    assert run.error.startswith("time limit: stopped after 3 s") and points_of(run) > 10  # the soft path, not the hard one


def test_f9_the_hard_time_limit_replaces_the_process_and_ends_the_run(catalog, workers):
    workers("f9h", RUN_SOFT_TIME_LIMIT_S="2", RUN_HARD_TIME_LIMIT_S="4")  # the hung method never sees the soft one
    run = queued_run(catalog, fail="hang", fail_at_step=3)
    wait_for(lambda: status_of(run) == "failed", 60, "the hard limit", every=0.2)
    run.refresh_from_db()
    assert "hard limit" in run.error
    follow_up = queued_run(catalog, steps=5)
    wait_for(lambda: status_of(follow_up) == "succeeded", 60, "the next run on a fresh process")


def test_f10_sigterm_during_a_run_requeues_it_for_the_next_worker(catalog, workers):
    first = workers("f10a")
    run = queued_run(catalog, steps=80, sleep_s=0.05)
    wait_for(lambda: status_of(run) == "running" and points_of(run) > 3, 60, "the run to start")
    os.killpg(first.process.pid, signal.SIGTERM)  # a deploy stops the whole container
    wait_for(lambda: status_of(run) == "queued", 30, "the run to be handed back")
    first.process.wait(timeout=30)
    workers("f10b")
    wait_for(lambda: status_of(run) == "succeeded", 90, "the next worker to finish it", every=0.2)
    run.refresh_from_db()
    assert points_of(run) == 80 and run.attempts == 2


def test_f12_two_hundred_short_runs_keep_the_worker_memory_bounded(catalog, workers):
    worker = workers("f12")
    runs = [queued_run(catalog, steps=5) for _ in range(200)]
    samples = []
    started = time.monotonic()

    def finished() -> bool:
        samples.append(worker_rss_mb(worker))
        return not Run.objects.filter(pk__in=[r.pk for r in runs]).exclude(status="succeeded").exists()

    wait_for(finished, 600, "200 runs", every=1.0)
    early, late = max(samples[: len(samples) // 4] or [0]), max(samples)
    print(f"F12: 200 runs in {time.monotonic() - started:.0f} s; worker RSS {early:.0f} MB early, {late:.0f} MB peak")
    assert late < early * 1.5 + 50, (early, late)


def worker_rss_mb(worker: WorkerProcess) -> float:
    total = 0
    for pid in [worker.process.pid, *worker.children()]:
        try:
            with open(f"/proc/{pid}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
        except (OSError, StopIteration):
            continue
    return total / 1024
