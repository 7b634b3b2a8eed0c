"""Each run executes in a fresh process forked from the (long-lived) pool child.

Why: a run needs its own process — a fresh CUDA context, all memory returned at the end —
but recycling Celery's pool child per task (`worker_max_tasks_per_child=1`) costs seconds of
queue-to-start latency. Forking a process whose parent already imported the runner, numpy,
torch and the methods costs milliseconds. The pool child never touches CUDA.

Signals: the run process dies with its parent (PR_SET_PDEATHSIG), so a killed pool child
leaves no orphan; SIGTERM (deploy) or a soft time limit ask the method to stop at its next
curve point, and the runner then re-queues (deploy) or fails (time limit) the run.
"""
from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import traceback

from django.db import connections

from apps.runs.lifecycle import Outcome, release_crashed

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
SOFT_LIMIT_SIGNAL = signal.SIGUSR1


def run_isolated(run_id: int) -> Outcome:
    """Run one delivery in a forked process; its outcome comes back as the exit code."""
    connections.close_all()  # never share a database socket with the forked run
    pid = os.fork()
    if pid == 0:  # the run's process
        code = 1
        try:
            code = _child_main(run_id).exit_code
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    with _forwarding_sigterm_to(pid):
        exitcode = _wait(pid)
    outcome = Outcome.from_exit_code(exitcode)
    if outcome is None:  # killed by a signal, or exited without reporting an outcome
        outcome = release_crashed(run_id, pid, f"the run's process exited with code {exitcode}")
    if outcome is Outcome.QUEUED:  # handed back: publish it from here, not from the fork
        from apps.runs.queueing import enqueue

        enqueue(run_id, queue_of(run_id))
    return outcome


def queue_of(run_id: int) -> str:
    from apps.runs.models import Run

    return Run.objects.values_list("queue", flat=True).get(pk=run_id)


@contextlib.contextmanager
def _forwarding_sigterm_to(pid: int):
    """While the run's process lives, SIGTERM to this pool child is passed on to it (so the
    run hands itself back) instead of ending this process and, with it, the run."""
    previous = signal.signal(signal.SIGTERM, lambda *_: _signal(pid, signal.SIGTERM))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _wait(pid: int) -> int:
    """Wait for the run's process; a soft time limit is passed on to it as a stop request."""
    from celery.exceptions import SoftTimeLimitExceeded

    while True:
        try:
            _, status = os.waitpid(pid, 0)
            return os.waitstatus_to_exitcode(status)
        except SoftTimeLimitExceeded:
            _signal(pid, SOFT_LIMIT_SIGNAL)
        except InterruptedError:
            continue


def _signal(pid: int, signum) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _child_main(run_id: int) -> Outcome:
    _die_with_parent()
    from workers.runner import StopRequest, run_once

    stop = StopRequest()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, SOFT_LIMIT_SIGNAL])
    signal.signal(signal.SIGTERM, lambda *_: stop.set("shutdown"))
    signal.signal(SOFT_LIMIT_SIGNAL, lambda *_: stop.set("time limit"))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    outcome = run_once(run_id, stop)
    connections.close_all()
    return outcome


def _die_with_parent() -> None:
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:  # not Linux: the lease and the reaper still cover a lost parent
        log.debug("PR_SET_PDEATHSIG unavailable")
