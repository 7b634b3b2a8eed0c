"""Figures 5 and 6 against a gunicorn server on loopback serving the bench database: pages under
20 locust users, and 1,000 runs queued through the API by 20 clients, drained by 2 workers."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

from . import processes
from .env import OUT, ROOT
from .stats import Target, from_samples, metric

GUNICORN_WORKERS = 3
USERS = 20
THINK = (0.5, 1.5)
SPAWN_RATE = 4  # users per second: 5 s of ramp-up, whose requests --reset-stats leaves out


def start_web() -> processes.Managed:
    port = processes.free_port()
    web = processes.gunicorn(port, GUNICORN_WORKERS).launch()
    web.port = port
    web.url = f"http://127.0.0.1:{port}"
    processes.wait_http(web.url + "/", process=web)
    return web


def _locust_rows(prefix: Path) -> dict[str, dict]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def _endpoint_metrics(name: str, row: dict, seconds: float, target: Target | None) -> list[dict]:
    ms = lambda key: float(row[key]) / 1000.0
    dist = {"n": int(row["Request Count"]), "median": ms("50%"), "q1": ms("50%"), "q3": ms("75%"),
            "min": ms("Min Response Time"), "max": ms("Max Response Time")}
    dist["q1"] = dist["min"]  # locust gives no 25th percentile; the row shows min / median / p75 / max
    p50 = metric(f"{name} p50", ms("50%"), "s", stat="p50")
    p50["spread"] = dist
    return [
        p50,
        metric(f"{name} p95", ms("95%"), "s", stat="p95", target=target),
        metric(f"{name} requests/s", float(row["Requests/s"]), "req/s", stat="value",
               note=f"{row['Request Count']} requests, {row['Failure Count']} failed after the ramp-up"),
    ]


def warm_up(url: str, paths: list[str], rounds: int = 10) -> None:
    """Every gunicorn worker loads its templates and opens its database connection first."""
    for _ in range(rounds):
        for path in paths:
            with urllib.request.urlopen(url + path, timeout=30) as response:
                response.read()


def in_process_times(paths: list[str], repeats: int = 20) -> dict[str, list[float]]:
    """Server time of each page with no concurrent load (Django's test client in this process)."""
    from django.test import Client

    client, out = Client(), {path: [] for path in paths}
    for path in paths:
        client.get(path)
    for _ in range(repeats):
        for path in paths:
            started = time.perf_counter()
            client.get(path)
            out[path].append(time.perf_counter() - started)
    return out


def load_figure(web, run, seconds: int = 30) -> dict:
    """Figure 5: locust, 20 users for `seconds`, each alternating catalog / run page with a think time."""
    if run is None:  # figure 4's run was not made (--only): any finished run will do
        from .lab import TRIVIAL, submit_probe, wait_finished

        run = wait_finished(submit_probe(TRIVIAL, 999).pk)
    run_id = run.pk
    warm_up(web.url, ["/", f"/runs/{run_id}/"])
    prefix = OUT / "locust"
    command = [str(processes.VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
               "-u", str(USERS), "-r", str(SPAWN_RATE), "--reset-stats", "-t", f"{seconds}s", "-H", web.url, "--csv", str(prefix),
               "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    env = {"BENCH_RUN_ID": str(run_id), "BENCH_THINK_MIN_S": str(THINK[0]), "BENCH_THINK_MAX_S": str(THINK[1])}
    load_before = os.getloadavg()[0]
    done = subprocess.run(command, cwd=ROOT, env={**web.env, **env}, capture_output=True, text=True,
                          timeout=seconds + 60)
    load_after = os.getloadavg()[0]
    if done.returncode != 0:
        raise RuntimeError(f"locust exited {done.returncode}: {done.stderr[-2000:]}")
    rows = _locust_rows(prefix)
    metrics = _endpoint_metrics("catalog", rows["catalog"], seconds, Target("<", 0.05))
    metrics += _endpoint_metrics("run page", rows["run page"], seconds, None)
    metrics.append(metric("all requests/s", float(rows["Aggregated"]["Requests/s"]), "req/s", stat="value"))
    alone = in_process_times(["/", f"/runs/{run_id}/"])
    metrics.append(from_samples("catalog server time, no load (in-process)", alone["/"], "s"))
    metrics.append(from_samples("run page server time, no load (in-process)", alone[f"/runs/{run_id}/"], "s"))
    return {
        "metrics": metrics,
        "notes": [
            f"locust {USERS} users (ramped up at {SPAWN_RATE}/s, statistics reset once all run) for {seconds} s "
            f"against gunicorn ({GUNICORN_WORKERS} sync "
            f"workers, DEBUG off, persistent DB connections) on loopback, serving the bench database; each "
            f"user alternates GET / (catalog of 42 papers) and GET /runs/{run_id}/ (a run's page: figure 4's 1e6-point run in a full bench) "
            f"with a think time of {THINK[0]}–{THINK[1]} s, i.e. ~{USERS / sum(THINK) * 2:.0f} req/s offered. "
            "Times are as locust sees them (client side, loopback). The spread cell of the p50 rows reads "
            "min / median / p75 / max over all requests.",
            "locust runs on the same 2 cores as gunicorn, PostgreSQL, the 2 idle Celery workers (and other "
            f"engineers' jobs): 1-minute load average {load_before:.1f} before, {load_after:.1f} after. "
            "The in-process rows (Django's test client, one request at a time, after the locust "
            "run) separate the pages' own cost from queueing for a CPU under load: when p95 under load is far "
            "above the in-process time, the requests waited for a core, not for the view.",
        ],
    }


def _make_clients(count: int) -> list[str]:
    from django.contrib.auth import get_user_model

    from apps.accounts.models import ApiToken

    User = get_user_model()
    tokens = []
    for i in range(count):
        user = User.objects.create_user(f"bench-client-{i}", password=None, is_staff=True)  # staff: no per-user cap
        tokens.append(ApiToken.issue(user, "bench")[1])
    return tokens


def _post_runs(url: str, token: str, seeds: range, errors: list) -> None:
    for seed in seeds:
        body = json.dumps({"method": "lab-probe", "config": {"steps": 1}, "seed": seed, "force": True}).encode()
        request = urllib.request.Request(url + "/api/runs", data=body, method="POST", headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
        except (urllib.error.URLError, OSError) as exc:
            errors.append(f"seed {seed}: {exc}")


def _wait_drained(run_ids: set[int] | None, total: int, timeout: float) -> Counter:
    from apps.runs.models import Run

    deadline = time.monotonic() + timeout
    while True:
        counts = Counter(Run.objects.filter(owner__username__startswith="bench-client-")
                         .values_list("status", flat=True))
        done = sum(counts[s] for s in ("succeeded", "failed", "cancelled"))
        if done >= total or time.monotonic() > deadline:
            return counts
        time.sleep(0.5)


def queue_figure(web, total: int = 1000, clients: int = 20, timeout: float = 420.0) -> dict:
    """Figure 6: `total` trivial probe runs POSTed by `clients` threads, drained by the 2 workers."""
    from apps.runs.models import Run

    tokens = _make_clients(clients)
    errors: list[str] = []
    per = total // clients
    threads = [threading.Thread(target=_post_runs, args=(web.url, tokens[i], range(i * per, (i + 1) * per), errors))
               for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    submit_s = time.perf_counter() - started
    counts = _wait_drained(None, total - len(errors), timeout)
    runs = Run.objects.filter(owner__username__startswith="bench-client-")
    created = sorted(runs.values_list("created_at", flat=True))
    finished = sorted(f for f in runs.values_list("finished_at", flat=True) if f is not None)
    terminal = sum(counts[s] for s in ("succeeded", "failed", "cancelled"))
    drain_s = (finished[-1] - created[0]).total_seconds() if finished else float("nan")
    retried = runs.filter(attempts__gt=1).count()
    lost = total - terminal
    return {
        "metrics": [
            metric("throughput (terminal runs / s, first created → last finished)", terminal / drain_s, "runs/s",
                   stat="value"),
            metric("submission rate (POST /api/runs, 20 clients)", (total - len(errors)) / submit_s, "runs/s",
                   stat="value"),
            metric("runs lost (not terminal at the end, or refused)", lost, "runs", stat="value",
                   target=Target("<=", 0)),
            metric("runs succeeded", counts["succeeded"], "runs", stat="value", target=Target(">=", total)),
        ],
        "notes": [
            f"{total} runs of the trivial probe (steps=1) POSTed to /api/runs by {clients} threads ({per} each, "
            f"one bearer-token staff user per client so the per-user cap does not apply), through gunicorn; "
            f"drained by 2 Celery workers (prefork, concurrency 1 each, a forked process per run).",
            f"Submitting took {submit_s:.1f} s; draining {drain_s:.1f} s from the first created_at to the last "
            f"finished_at. Final states: {dict(counts)}; {len(errors)} submissions refused; {retried} runs needed "
            "more than one attempt." + (f" First refusal: {errors[0]}" if errors else ""),
        ],
    }
