"""`python -m bench [--only 1,2,...] [--quick] [--no-readme]`: run the figures, write the report."""
from __future__ import annotations

import argparse
import sys
import time
import traceback
from datetime import UTC, datetime

from . import env

TITLES = {
    "1": "Queue-to-start latency, idle worker",
    "2": "Worker overhead vs standalone CLI",
    "3": "Metric ingest (PointWriter)",
    "4": "Run with 1e6 points: pages and curves",
    "5": "Catalog and run page, 20 users (locust)",
    "6": "1,000 runs, 20 clients, 2 workers",
    "7": "Log-domain Sinkhorn and SNS vs POT",
    "8": "Batch-1 methods vs reference libraries",
    "9": "GPU: one log-domain Sinkhorn iteration",
}
BUDGET_S = 14 * 60  # the whole run must stay under 15 minutes


class Session:
    """The report being built, the clock, and what the figures hand each other."""

    def __init__(self, only: set[str], quick: bool):
        self.only, self.quick = only, quick
        self.started = time.perf_counter()
        self.figures: list[dict] = []
        self.shared: dict = {}

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def wanted(self, fig_id: str) -> bool:
        return not self.only or fig_id in self.only

    def run(self, fig_id: str, function, *args, **kwargs) -> dict | None:
        if not self.wanted(fig_id):
            return None
        print(f"bench: figure {fig_id} ({TITLES[fig_id]}) at {self.elapsed():.0f} s", flush=True)
        started = time.perf_counter()
        try:
            result = function(*args, **kwargs) or {}
            figure = {"status": result.pop("status", "ok"), **result}
        except Exception as exc:
            traceback.print_exc()
            figure = {"status": "error", "error": f"{type(exc).__name__}: {exc}", "metrics": [], "notes": []}
        figure.update(id=fig_id, title=TITLES[fig_id], seconds=round(time.perf_counter() - started, 1))
        self.figures.append(figure)
        return figure


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", default="", help="comma-separated figure numbers (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke test of the bench itself)")
    parser.add_argument("--no-readme", action="store_true", help="do not refresh README's Performance section")
    parser.add_argument("--render-only", action="store_true",
                        help="re-render report.md and README's section from bench/report.json, measure nothing")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.render_only:
        return render_only(not args.no_readme)
    session = Session({s.strip() for s in args.only.split(",") if s.strip()}, args.quick)
    started_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    env.configure()
    machine = env.machine()
    from .figures import run_all

    run_all(session)
    from .report import write

    report = {
        "started_at": started_at,
        "total_seconds": round(session.elapsed(), 1),
        "quick": session.quick,
        "machine": machine,
        "versions": env.versions(),
        "figures": sorted(session.figures, key=lambda f: int(f["id"])),
    }
    report["summary"] = summary_line(report)
    json_path, md_path = write(report, env.ROOT / "bench")
    print(f"bench: wrote {md_path} and {json_path} in {session.elapsed():.0f} s", flush=True)
    if not args.no_readme and not session.only and not session.quick:
        from .readme import refresh

        refresh(report)
    return 0


def render_only(readme: bool) -> int:
    import json

    from .readme import refresh
    from .report import write

    report = json.loads((env.ROOT / "bench" / "report.json").read_text())
    write(report, env.ROOT / "bench")
    if readme:
        refresh(report)
    return 0


def summary_line(report: dict) -> str:
    verdicts = [m["met"] for f in report["figures"] for m in f.get("metrics", []) if "met" in m]
    errors = [f["id"] for f in report["figures"] if f.get("status") == "error"]
    text = f"Targets met: {sum(verdicts)} of {len(verdicts)}."
    if errors:
        text += f" Figures that failed to run: {', '.join(errors)}."
    return text


if __name__ == "__main__":
    sys.exit(main())
