"""The bridge between a queued run and a method: claim the run, build the context, call the
method, store its points, artifacts and verdicts, and end the run in one terminal state."""
from __future__ import annotations

import logging
import os
import threading
import traceback

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection, connections

from apps.runs import lifecycle
from apps.runs.figures import write_figure_html
from apps.runs.lifecycle import Outcome
from apps.runs.models import RunStatus
from apps.runs.objectstore import ArtifactStoreError
from apps.runs.store import FencedOut, PointWriter, register_artifacts, run_artifact_dir
from workers.methods.context import RunCancelled, RunContext
from workers.methods.execute import device_name, execute, jsonable
from workers.methods.registry import get_method

log = logging.getLogger(__name__)


class StopRequest:
    """Why the run should stop: "cancel", "lost", "shutdown" or "time limit" (first wins)."""

    def __init__(self):
        self.reason = ""

    def set(self, reason: str) -> None:
        self.reason = self.reason or reason

    def __bool__(self) -> bool:
        return bool(self.reason)


class DbContext(RunContext):
    """Points go to the database in batches; progress and the stop request travel with
    the heartbeat thread, so the method's thread never waits on a poll."""

    def __init__(self, *, writer: PointWriter, stop: StopRequest, **kwargs):
        super().__init__(**kwargs)
        self.writer = writer
        self.latest_progress = (0.0, "running")
        self.stop = stop

    def _write_points(self, points):
        self.writer.write(points, self.series_summary())  # with each series' panel and unit

    def _report_progress(self, fraction: float, message: str) -> None:
        self.latest_progress = (fraction, message)

    def _poll_cancelled(self) -> bool:
        return bool(self.stop)


class Heartbeat(threading.Thread):
    """Renews the run's lease every RUN_HEARTBEAT_S and relays cancel requests."""

    def __init__(self, run_id: int, token, ctx: DbContext):
        super().__init__(name=f"heartbeat-{run_id}", daemon=True)
        self.run_id, self.token, self.ctx = run_id, token, ctx
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.RUN_HEARTBEAT_S):
                self.beat()
        finally:
            connection.close()

    def beat(self) -> None:
        try:
            cancel = lifecycle.heartbeat(self.run_id, self.token, *self.ctx.latest_progress)
        except Exception:  # the database is away: keep trying, the lease decides
            log.exception("heartbeat of run %s failed", self.run_id)
            close_old_connections()
            return
        if cancel is None:
            self.ctx.stop.set("lost")
        elif cancel:
            self.ctx.stop.set("cancel")


def run_once(run_id: int, stop: StopRequest | None = None) -> Outcome:
    """Execute a run if it is ours to run. Returns the terminal status this attempt recorded,
    QUEUED if it handed the run back (the caller publishes it again), or SKIPPED."""
    run = lifecycle.claim(run_id)
    if run is None:
        return Outcome.SKIPPED
    token = run.attempt_token
    try:
        method = get_method(run.method.slug)
        config = method.build_config(None, run.config)
    except Exception as exc:
        finished = lifecycle.finish(run.pk, token, RunStatus.FAILED, error=f"cannot build the run: {exc}")
        return Outcome.FAILED if finished else Outcome.SKIPPED
    device = "cuda" if run.queue == "gpu" and cuda_available() else "cpu"
    limit_threads(1 if run.preset == "smoke" else settings.RUN_CPU_THREADS)
    ctx = DbContext(
        writer=PointWriter(run.pk, token), stop=stop if stop is not None else StopRequest(), seed=run.seed, device=device,
        artifact_dir=run_artifact_dir(run.pk),
    )
    beat = Heartbeat(run.pk, token, ctx)
    beat.start()
    try:
        return _execute_and_finish(run, token, method, config, ctx)
    finally:
        beat.stopped.set()
        beat.join(timeout=5)


def _execute_and_finish(run, token, method, config, ctx: DbContext) -> Outcome:
    from celery.exceptions import SoftTimeLimitExceeded

    try:
        record = execute(method, config, ctx)
    except RunCancelled:
        return _stopped(run, token, ctx)
    except SoftTimeLimitExceeded:
        return _end(run, token, ctx, RunStatus.FAILED, error=soft_limit_message())
    except FencedOut:
        return Outcome.SKIPPED
    except (OperationalError, InterfaceError) as exc:
        # The database went away mid-run: the points may be incomplete, so this attempt must
        # not succeed. Start over on a fresh connection (within the attempts cap).
        log.warning("run %s: database error, re-queueing: %s", run.pk, exc)
        connections.close_all()
        return lifecycle.release_crashed(run.pk, os.getpid(), f"database connection lost: {exc}".strip()[:500])
    except Exception:
        return _end(run, token, ctx, RunStatus.FAILED, error=traceback.format_exc()[-20000:])
    claims = record["claims"]
    return _end(
        run,
        token,
        ctx,
        RunStatus.SUCCEEDED,
        device_name=record["device"],
        versions=record["versions"],
        commit=record["commit"],
        timings=record["timings"],
        results=record["results"],
        events=jsonable(record["events"]),  # a NaN value becomes null: JSON columns refuse NaN
        claims=claims,
        all_reproduced=bool(claims) and all(c["verdict"] == "reproduced" for c in claims),
    )


def _stopped(run, token, ctx: DbContext) -> Outcome:
    reason = ctx.stop.reason
    if reason == "lost":
        return Outcome.SKIPPED
    if reason == "time limit":
        return _end(run, token, ctx, RunStatus.FAILED, error=soft_limit_message())
    if reason == "shutdown":
        ctx.close()
        released = lifecycle.release(run.pk, token, "re-queued: its worker shut down mid-run")
        return Outcome.QUEUED if released else Outcome.SKIPPED
    return _end(run, token, ctx, RunStatus.CANCELLED, error="cancelled by request while running")


def _end(run, token, ctx: DbContext, status: RunStatus, **fields) -> Outcome:
    """Keep the points logged so far (cancel, failure), list the artifacts, end the run."""
    if status != RunStatus.SUCCEEDED:
        try:
            ctx.close()
        except FencedOut:
            return Outcome.SKIPPED
        except Exception:
            fields["error"] = fields.get("error", "") + "\n(points after the last flush could not be saved)"
    fields.setdefault("events", jsonable([event.as_dict() for event in ctx.trouble.events]))
    if "device_name" not in fields:  # a succeeded run brings the name from its record
        fields["device_name"] = device_name(ctx.device)
    try:
        write_figure_html(run, run_artifact_dir(run.pk))
    except Exception:
        log.exception("run %s: the figure could not be written", run.pk)
    try:
        register_artifacts(run)
    except ArtifactStoreError as exc:  # no artifact row is written: the run fails, saying why
        log.error("run %s: %s", run.pk, exc)
        status, fields["all_reproduced"] = RunStatus.FAILED, False
        fields["error"] = f"{fields.get('error', '')}\n{exc}".strip()
    return Outcome(status) if lifecycle.finish(run.pk, token, status, **fields) else Outcome.SKIPPED


def soft_limit_message() -> str:
    return f"time limit: stopped after {settings.RUN_SOFT_TIME_LIMIT_S} s"


def limit_threads(threads: int) -> None:
    """Smoke presets are defined on one core; other runs get RUN_CPU_THREADS (0: all cores).
    This process is the run's own, so the limit ends with it."""
    if threads <= 0:
        return
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(threads)
    threadpool_limits(threads)


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()
