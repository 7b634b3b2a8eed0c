"""README's "Performance" section: a quote of the latest report (targeted figures and the method
ratios), rewritten in place — only that section, from its heading to the next one."""
from __future__ import annotations

import re

from .env import ROOT
from .report import spread_text, value_text, verdict
from .stats import fmt

HEADING = "## Performance"
CAUSES = {
    "3": "the writer's per-flush transaction (owner check, series counters) and the loaded machine; points "
         "themselves are written as one chunk row per series per flush ({gain}).",
    "4": "decoding and bucketing 1e6 float64 points with numpy, plus JSON encoding ({gain}).",
    "5": "CPU contention: the catalog costs ~{alone} alone; on 2 cores shared with locust, PostgreSQL, the "
         "workers and other jobs, p95 is queueing for a core.",
    "7": "ours is log-domain (safe at η = 1200): an exp per entry and ~4 passes per half step (torch.profiler: "
         "exp dominates); POT's kernel-domain ot.sinkhorn does one BLAS mat-vec. Against POT's own log-domain "
         "Sinkhorn ours is faster.",
}


def section(report: dict) -> str:
    m = report["machine"]
    lines = [
        HEADING, "",
        "`make bench` measures the lab's own overhead, big curves and each method against reference libraries "
        "(own database `reprolab_bench`, Redis db 11, its own Celery workers and gunicorn; 6–10 minutes on 2 cores) "
        "and writes `bench/report.md` and `bench/report.json`. `python bench/gpu_sinkhorn.py` on an NVIDIA "
        "machine adds figure 9. Latest report "
        f"({report['started_at']}, {m['cores']} cores of a shared {m['cpu']}, load average {m['load average at start']} "
        f"at start, {report['total_seconds']:.0f} s): {report.get('summary', '')}",
        "",
        "| # | metric | value | spread | target |",
        "|---|---|---|---|---|",
    ]
    for figure in report["figures"]:
        if figure.get("status") != "ok" and not figure.get("metrics"):
            lines.append(f"| {figure['id']} | {figure['title']} | {figure.get('error', figure.get('status'))} | | |")
            continue
        for metric in figure.get("metrics", []):
            if "target" in metric or figure["id"] in ("7", "8"):
                target = f"{metric.get('target', '')} {verdict(metric)}".strip()
                cells = [figure["id"], metric["name"], value_text(metric), spread_text(metric), target]
                lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines += ["", "Why targets were missed (details, profiles and every other figure in `bench/report.md`):", ""]
    lines += [f"- figure {fid}: {text}" for fid, text in causes(report)]
    return "\n".join(lines) + "\n"


def _value(figure: dict, prefix: str) -> float | None:
    return next((m["value"] for m in figure.get("metrics", []) if m["name"].startswith(prefix)), None)


def causes(report: dict) -> list[tuple[str, str]]:
    out = []
    for figure in report["figures"]:
        if figure["id"] not in CAUSES or not any(m.get("met") is False for m in figure.get("metrics", [])):
            continue
        gain = "measured in the report"
        if figure["id"] == "3":
            now, before = _value(figure, "PostgreSQL (COPY)"), _value(figure, "PostgreSQL, the writer before")
            if now and before:
                gain = f"previous {fmt(before)}, now {fmt(now)} points/s"
        elif figure["id"] == "4":
            now, before = _value(figure, "GET /api/runs"), _value(figure, "bucketing query as before")
            if now and before:
                gain = f"the old query alone took {fmt(before)} s, the whole request now {fmt(now)} s"
        alone = _value(figure, "catalog server time")
        text = CAUSES[figure["id"]].format(gain=gain, alone=f"{alone * 1e3:.0f} ms" if alone else "little")
        out.append((figure["id"], text))
    return out


def refresh(report: dict) -> None:
    path = ROOT / "README.md"
    text = path.read_text()
    new = section(report)
    match = re.search(rf"^{re.escape(HEADING)}\s*$", text, flags=re.MULTILINE)
    if match is None:
        text = text.rstrip("\n") + "\n\n" + new
    else:
        following = re.search(r"^## ", text[match.end():], flags=re.MULTILINE)
        end = match.end() + following.start() if following else len(text)
        text = text[:match.start()] + new + ("\n" + text[end:] if following else "")
    path.write_text(text)
