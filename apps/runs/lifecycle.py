"""Every state change of a run, each one a conditional UPDATE so that concurrent actors
(workers, the reaper, users cancelling) can never move a run twice.

    queued --claim--> running --finish--> succeeded | failed | cancelled
    queued --cancel--> cancelled
    running --reap (lease expired)--> queued (attempts left) | failed ("worker lost")
"""
from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Run, RunStatus
from .store import reset_run_data

log = logging.getLogger(__name__)


class Outcome(str, Enum):
    """How one delivery of a run ended, as the runner, the run's process (through its exit
    code) and the Celery task report it: a terminal status this attempt recorded, or

    - ``QUEUED``: this attempt handed the run back; the caller publishes it again;
    - ``SKIPPED``: the run was not this attempt's to run or end (a duplicate delivery, an
      attempt fenced out or taken over, a run already finished)."""

    SUCCEEDED = RunStatus.SUCCEEDED.value
    FAILED = RunStatus.FAILED.value
    CANCELLED = RunStatus.CANCELLED.value
    QUEUED = RunStatus.QUEUED.value
    SKIPPED = "skipped"

    def __str__(self) -> str:
        return self.value

    @property
    def exit_code(self) -> int:
        """The run process's exit status for this outcome. None of them is 0, so a process
        that exits on its own (a method calling os._exit(0)) counts as crashed."""
        return EXIT_CODE_BASE + list(Outcome).index(self)

    @classmethod
    def from_exit_code(cls, code: int) -> Outcome | None:
        """The outcome a run process reported, or None if it crashed (any other status)."""
        index = code - EXIT_CODE_BASE
        return list(cls)[index] if 0 <= index < len(cls) else None


EXIT_CODE_BASE = 90


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(run_id: int) -> Run | None:
    """Take the run for this process, or None if it is not ours to run.

    A queued run is claimed; so is a running run whose lease expired (its worker vanished
    and the broker redelivered it). A run held by a live worker is left alone, so a
    duplicate delivery never runs concurrently with the original.
    """
    now = timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        run = Run.objects.select_for_update().filter(pk=run_id).first()
        if run is None or not _claimable(run, now):
            return None
        if run.cancel_requested:
            _finish_locked(run, RunStatus.CANCELLED, error="cancelled before it started")
            return None
        if run.attempts >= run.max_attempts:
            _finish_locked(run, RunStatus.FAILED, error=f"gave up after {run.attempts} attempts (worker lost)")
            return None
        reset_run_data(run)
        run.status = RunStatus.RUNNING
        run.attempts += 1
        run.attempt_token = token
        run.started_at = now
        run.heartbeat_at = now
        run.worker = socket.gethostname()
        run.worker_pid = os.getpid()
        run.queue_wait_s = (now - (run.enqueued_at or run.created_at)).total_seconds()
        run.progress, run.progress_message, run.error = 0.0, "starting", ""
        run.save()
    return run


def _claimable(run: Run, now) -> bool:
    if run.status == RunStatus.QUEUED:
        return True
    if run.status != RunStatus.RUNNING:
        return False
    lease_expired = run.heartbeat_at is None or (now - run.heartbeat_at).total_seconds() > settings.RUN_LEASE_S
    return lease_expired or _holder_died_here(run)


def _holder_died_here(run: Run) -> bool:
    """The attempt's process ran on this host and is gone (e.g. its pool child was killed)."""
    if run.worker != socket.gethostname() or not run.worker_pid:
        return False
    try:
        os.kill(run.worker_pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return _is_zombie(run.worker_pid)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False


def heartbeat(run_id: int, token, progress: float, message: str) -> bool | None:
    """Renew the lease; returns cancel_requested, or None if this attempt lost the run."""
    updated = Run.objects.filter(pk=run_id, attempt_token=token, status=RunStatus.RUNNING).update(
        heartbeat_at=timezone.now(), progress=progress, progress_message=message[:200]
    )
    if not updated:
        return None
    return Run.objects.filter(pk=run_id).values_list("cancel_requested", flat=True).first()


def finish(run_id: int, token, status: str, **fields) -> bool:
    """End this attempt in a terminal state; False if the attempt no longer owns the run."""
    with transaction.atomic():
        run = Run.objects.select_for_update().filter(pk=run_id, attempt_token=token, status=RunStatus.RUNNING).first()
        if run is None:
            return False
        _finish_locked(run, status, **fields)
        return True


def _finish_locked(run: Run, status: str, **fields) -> None:
    if status == RunStatus.SUCCEEDED:
        from apps.catalog.status import refresh_status

        paper_id = run.method.paper_id
        transaction.on_commit(lambda: refresh_status(paper_id))
    run.status = status
    run.finished_at = timezone.now()
    if status == RunStatus.SUCCEEDED:
        run.progress = 1.0
    for name, value in fields.items():
        setattr(run, name, value)
    run.save()


def fail_running(run_id: int, reason: str) -> bool:
    """Fail a run that is still running whatever its attempt (its process was killed from
    outside, e.g. by the hard time limit); False if it had already ended."""
    with transaction.atomic():
        run = Run.objects.select_for_update().filter(pk=run_id, status=RunStatus.RUNNING).first()
        if run is None:
            return False
        _finish_locked(run, RunStatus.FAILED, error=reason)
        return True


def release(run_id: int, token, message: str) -> bool:
    """Hand a running attempt back to the queue (worker shutting down)."""
    return bool(
        Run.objects.filter(pk=run_id, attempt_token=token, status=RunStatus.RUNNING).update(
            status=RunStatus.QUEUED, attempt_token=uuid.uuid4(), progress_message=message[:200], enqueued_at=None
        )
    )


def release_crashed(run_id: int, pid: int, reason: str) -> Outcome:
    """The attempt broke for a reason outside the method (its process died, the database went
    away): re-queue the run within the attempts cap, else fail it with the reason. The caller
    publishes the re-queued run (a forked run process leaves that to its parent)."""

    with transaction.atomic():
        run = Run.objects.select_for_update().filter(pk=run_id, status=RunStatus.RUNNING, worker_pid=pid).first()
        if run is None:
            return Outcome.SKIPPED  # finished, or already taken over
        if run.attempts >= run.max_attempts or run.cancel_requested:
            status = RunStatus.CANCELLED if run.cancel_requested else RunStatus.FAILED
            _finish_locked(run, status, error=f"{reason}; gave up after {run.attempts} attempts")
            return Outcome(status)
        run.status, run.attempt_token, run.enqueued_at = RunStatus.QUEUED, uuid.uuid4(), None
        run.progress_message = f"re-queued: {reason}"[:200]
        run.save()
    return Outcome.QUEUED


def cancel(run: Run) -> str:
    """Cancel a queued run at once; ask a running one to stop. Idempotent on finished runs."""
    if Run.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.CANCELLED, cancel_requested=True, finished_at=timezone.now(), error="cancelled while queued"
    ):
        return RunStatus.CANCELLED
    Run.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(cancel_requested=True)
    return Run.objects.values_list("status", flat=True).get(pk=run.pk)


def reap_expired_leases() -> dict[str, list[int]]:
    """Re-queue (or fail, past the attempts cap) running runs whose heartbeat stopped."""
    stale = timezone.now() - timedelta(seconds=settings.RUN_LEASE_S)
    requeued, failed = [], []
    with transaction.atomic():
        lost = Run.objects.select_for_update(skip_locked=True).filter(status=RunStatus.RUNNING, heartbeat_at__lt=stale)
        for run in lost:
            if run.cancel_requested:
                _finish_locked(run, RunStatus.CANCELLED, error="cancelled; its worker was lost")
            elif run.attempts >= run.max_attempts:
                _finish_locked(run, RunStatus.FAILED, error=f"worker lost ({run.attempts} attempts used)")
                failed.append(run.pk)
            else:
                run.status = RunStatus.QUEUED
                run.attempt_token = uuid.uuid4()
                run.progress_message = f"re-queued: worker {run.worker} stopped answering"
                run.save()
                requeued.append(run.pk)
    return {"requeued": requeued, "failed": failed}


def queued_without_message(max_age_s: float) -> list[int]:
    """Queued runs whose enqueue is older than max_age_s or never happened (broker lost them?)."""
    cutoff = timezone.now() - timedelta(seconds=max_age_s)
    return list(
        Run.objects.filter(status=RunStatus.QUEUED, cancel_requested=False)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=cutoff))
        .values_list("pk", flat=True)
    )
