"""Figure 4: server time of the run page and of the curve endpoints for a run with 1e6 stored
points, the points sent per series, and whether a single spike survives the bucketing."""
from __future__ import annotations

import json
import time

from .env import OUT
from .ingest import SPIKE_STEP, SPIKE_VALUE
from .stats import Target, from_samples

ENDPOINTS = {
    "run page": "/runs/{id}/",
    "GET /api/runs/{id}/metrics": "/api/runs/{id}/metrics",
    "GET /runs/{id}/metrics.json (the page's chart)": "/runs/{id}/metrics.json",
}


def time_get(client, url: str) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: HTTP {response.status_code}")
    return elapsed, response


def spike_kept(payload: dict, buckets: int) -> bool:
    """True when the first series still shows the spike's value, within one bucket of its step
    (a bucket's max is drawn at the bucket's last step)."""
    first = payload["series"][0]
    steps = first["step"]
    width = (max(steps) - min(steps)) / buckets if steps else 0.0
    return any(abs(step - SPIKE_STEP) <= width and value == SPIKE_VALUE for step, value in zip(steps, first["value"]))


def profile_request(client, url: str, name: str) -> str | None:
    """A pyinstrument profile of one request (text), saved under bench/out/; None without pyinstrument."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return None
    profiler = Profiler(interval=0.001)
    profiler.start()
    client.get(url)
    profiler.stop()
    path = OUT / f"profile-{name}.txt"
    path.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    return str(path.relative_to(OUT.parent.parent))


def vacuum_analyze() -> None:
    """What autovacuum does soon after a big load: hint bits, visibility map, statistics."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE runs_metricchunk")


def pages_figure(run, repeats: int = 7) -> dict:
    from django.test import Client

    vacuum_analyze()
    client = Client()
    urls = {name: pattern.format(id=run.pk) for name, pattern in ENDPOINTS.items()}
    for url in urls.values():
        time_get(client, url)  # warm-up: templates, imports, PostgreSQL's buffers
    times = {name: [] for name in urls}
    for _ in range(repeats):
        for name, url in urls.items():
            times[name].append(time_get(client, url)[0])
    _, response = time_get(client, urls["GET /api/runs/{id}/metrics"])
    payload = json.loads(response.content)
    sent = {s["name"]: len(s["step"]) for s in payload["series"]}
    from django.conf import settings

    kept = spike_kept(payload, settings.METRICS_MAX_POINTS // 2)
    metrics = [
        from_samples("run page server time", times["run page"], "s", target=Target("<", 0.3)),
        from_samples("GET /api/runs/{id}/metrics server time", times["GET /api/runs/{id}/metrics"], "s",
                     target=Target("<", 0.3)),
        from_samples("GET /runs/{id}/metrics.json server time", times["GET /runs/{id}/metrics.json (the page's chart)"],
                     "s", target=Target("<", 0.3)),
    ]
    metrics += [from_samples(f"points sent, series '{name}'", [n], "points") for name, n in sent.items()]
    metrics.append({"name": "single spike survives the bucketing", "value": float(kept), "unit": "", "stat": "value",
                    "note": "1 = yes", "target": "= 1", "met": kept})
    notes = [
        f"Run #{run.pk}: 2 series × 500,000 points (stored as chunks in runs_metricchunk), one spike of {SPIKE_VALUE:g} at "
        f"step {SPIKE_STEP:,} of the first series. Server time = Django's test client in the bench process "
        f"(the full middleware stack and the real PostgreSQL queries, no network), {repeats} repeats after a "
        "warm-up, endpoints alternated; default max_points (settings.METRICS_MAX_POINTS). VACUUM ANALYZE "
        "first (what autovacuum does soon after such a load).",
        "Points are stored as float64 columns in one chunk row per series per flush (apps/runs/models.py "
        "MetricChunk); apps/runs/curves.py reads a series' chunks and buckets them with numpy reductions "
        "(min and max per bucket). With a row per point, the same endpoint took 0.28–0.46 s, bound by "
        "reading 1e6 heap rows.",
    ]
    for name, url in urls.items():
        if name != "run page" and max(times[name]) >= 0.3:
            path = profile_request(client, url, "fig4-metrics")
            if path:
                notes.append(f"Profile of one {name} request: {path}.")
            break
    return {"metrics": metrics, "notes": notes, "sent": sent}
