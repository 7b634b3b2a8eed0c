"""Thin Celery tasks: they carry a run id and call the runner; the Run row holds the state."""
from __future__ import annotations

import logging

from celery import shared_task

from workers import signals  # noqa: F401  (worker hooks register on import)

log = logging.getLogger(__name__)


@shared_task(name="workers.tasks.execute_run", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def execute_run(run_id: int) -> str:
    from workers.isolation import run_isolated

    return run_isolated(int(run_id)).value
