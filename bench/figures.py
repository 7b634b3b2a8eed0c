"""The order of the run: the lab's figures with their own workers and web server first, then the
numerical figures in this process once those are stopped (so they do not share the CPU)."""
from __future__ import annotations

from . import env, processes


def run_all(session) -> None:
    lab = [f for f in "123456" if session.wanted(f)]
    if lab:
        env.prepare()
        lab_figures(session)
    if session.wanted("7"):
        from .ot_bench import sinkhorn_figure

        session.run("7", sinkhorn_figure, quick=session.quick)
    if session.wanted("8"):
        from .references import references_figure

        session.run("8", references_figure, quick=session.quick)
    if session.wanted("9"):
        from .gpu_result import gpu_figure

        session.run("9", gpu_figure)


def lab_figures(session) -> None:
    from apps.catalog.models import Method

    quick = session.quick
    probe = Method.objects.get(slug="lab-probe")
    workers = [processes.worker("bench-w1"), processes.worker("bench-w2")]
    web = None
    try:
        if session.wanted("3"):
            _ingest(session, probe, quick)
        if session.wanted("4"):
            if "big_run" not in session.shared:
                from .ingest import big_run

                session.shared["big_run"] = big_run(probe)[0]
            from .pages import pages_figure

            session.run("4", pages_figure, session.shared["big_run"], repeats=3 if quick else 7)
        if not any(session.wanted(f) for f in "1256"):
            return
        for w in workers:
            w.launch()
        processes.wait_ready(workers)
        from .lab import latency, overhead

        session.run("1", latency, runs=8 if quick else 25)
        session.run("2", overhead, repeats=1 if quick else 3, steps=60 if quick else 200)
        if session.wanted("5") or session.wanted("6"):
            from .load import load_figure, queue_figure, start_web

            web = start_web()
            seconds = 10 if quick else (30 if session.elapsed() < 300 else 15)
            session.run("5", load_figure, web, session.shared.get("big_run"), seconds)
            session.run("6", queue_figure, web, 100 if quick else 1000)
    finally:
        for process in workers + ([web] if web else []):
            process.stop()


def _ingest(session, probe, quick: bool) -> None:
    from .ingest import ingest_figure

    def figure():
        result = ingest_figure(probe, repeats=2 if quick else 3, per_series=20_000 if quick else 50_000,
                               sqlite_per_series=10_000 if quick else 20_000)
        session.shared["big_run"] = result.pop("big_run")
        return result

    session.run("3", figure)
