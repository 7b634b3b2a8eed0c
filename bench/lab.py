"""Figures 1 and 2: queue-to-start latency on an idle worker, and the worker's overhead against
the standalone CLI on the same probe config."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .env import ROOT, bench_environ
from .stats import Target, from_samples, metric, percentile

TERMINAL = ("succeeded", "failed", "cancelled")
TRIVIAL = {"steps": 1}


def submit_probe(config: dict, seed: int, owner=None):
    from apps.runs.queueing import RunRequest, submit

    return submit(RunRequest(method="lab-probe", preset=None, config=config, seed=seed, force=True), owner=owner)


def wait_finished(run_id: int, timeout: float = 120.0, poll: float = 0.01):
    """Poll the Run row until it is terminal; returns the row."""
    from apps.runs.models import Run

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = Run.objects.get(pk=run_id)
        if run.status in TERMINAL:
            return run
        time.sleep(poll)
    raise TimeoutError(f"run {run_id} not finished after {timeout} s (status {run.status})")


def latency(runs: int = 25, seed0: int = 1000) -> dict:
    """Figure 1: created_at → started_at of trivial probe runs, one at a time on an idle worker."""
    wait_finished(submit_probe(TRIVIAL, seed0).pk)  # warm-up, not counted
    to_start, to_finish, failed = [], [], 0
    for i in range(runs):
        time.sleep(0.2)  # the worker is idle again (its pool child back on the queue)
        run = wait_finished(submit_probe(TRIVIAL, seed0 + 1 + i).pk)
        failed += run.status != "succeeded"
        to_start.append((run.started_at - run.created_at).total_seconds())
        to_finish.append((run.finished_at - run.created_at).total_seconds())
    notes = [
        f"{runs} trivial probe runs (steps=1) submitted one at a time through apps.runs.queueing.submit, each "
        "waited for before the next; one warm-up run not counted. Latency = Run.started_at − Run.created_at "
        "(the row is created, committed, published to Redis db 11, taken by the pool child, which forks the "
        "run's process, whose claim() stamps started_at).",
        f"created → finished (the whole trivial run, incl. figure/artifact writing): p50 "
        f"{percentile(to_finish, 50):.3f} s, p95 {percentile(to_finish, 95):.3f} s.",
    ]
    if failed:
        notes.append(f"{failed} of the runs did not succeed.")
    return {
        "metrics": [
            metric("queue-to-start p50", percentile(to_start, 50), "s", samples=to_start, stat="p50",
                   target=Target("<", 0.5)),
            metric("queue-to-start p95", percentile(to_start, 95), "s", samples=to_start, stat="p95",
                   target=Target("<", 1.0)),
            metric("queue-to-finish p50 (trivial run)", percentile(to_finish, 50), "s", samples=to_finish,
                   stat="p50"),
        ],
        "notes": notes,
        "samples": {"to_start_s": to_start, "to_finish_s": to_finish},
    }


def _cli_run(config: dict, out: Path) -> tuple[float, dict]:
    command = [sys.executable, "-m", "workers.methods", "run", "lab-probe", "--preset", "smoke", "--device", "cpu",
               "--out", str(out)] + [arg for k, v in config.items() for arg in ("--set", f"{k}={json.dumps(v)}")]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env={**bench_environ()}, capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"CLI run failed: {done.stderr[-2000:]}")
    return wall, json.loads((out / "result.json").read_text())


def _worker_run(config: dict, seed: int) -> tuple[float, dict]:
    run = wait_finished(submit_probe(config, seed).pk, timeout=300)
    if run.status != "succeeded":
        raise RuntimeError(f"worker run {run.pk} {run.status}: {run.error[-2000:]}")
    return (run.finished_at - run.created_at).total_seconds(), run.timings


def overhead(repeats: int = 3, steps: int = 200, sleep_s: float = 0.05) -> dict:
    """Figure 2: the same probe config under a worker and through the CLI, repeats alternated."""
    config = {"steps": steps, "sleep_s": sleep_s}
    worker_e2e, worker_method, cli_e2e, cli_method = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        for rep in range(repeats):
            order = ("worker", "cli") if rep % 2 == 0 else ("cli", "worker")
            for side in order:
                if side == "worker":
                    wall, timings = _worker_run(config, 5000 + rep)
                    worker_e2e.append(wall), worker_method.append(timings["method_s"])
                else:
                    wall, record = _cli_run(config, Path(tmp) / f"rep{rep}")
                    cli_e2e.append(wall), cli_method.append(record["timings"]["method_s"])
    method_ratio = [w / c for w, c in zip(worker_method, cli_method)]
    e2e_ratio = [w / c for w, c in zip(worker_e2e, cli_e2e)]
    return {
        "metrics": [
            from_samples("method_s ratio worker / CLI", method_ratio, "×", target=Target("<", 1.01)),
            from_samples("end-to-end ratio worker / CLI", e2e_ratio, "×"),
            from_samples("method_s under the worker", worker_method, "s"),
            from_samples("method_s in the CLI", cli_method, "s"),
            from_samples("end-to-end under the worker (created → finished)", worker_e2e, "s"),
            from_samples("end-to-end CLI process (start → exit)", cli_e2e, "s"),
        ],
        "notes": [
            f"Probe config steps={steps}, sleep_s={sleep_s} (~{steps * sleep_s:.0f} s, a curve point per step), "
            f"{repeats} repeats, worker and CLI alternated. method_s is the run's own clock minus the time spent "
            "inside its context (Run.timings vs the CLI's result.json timings).",
            "End-to-end for the worker is Run.created_at → finished_at (queueing, fork, points to PostgreSQL, "
            "artifacts, figure, verdicts); for the CLI it is the process from exec to exit (interpreter start "
            "and imports included — the worker pre-imports them once, which is what the ratio shows).",
        ],
    }
