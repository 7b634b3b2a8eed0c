"""Worker-process hooks: announce the worker (queues, device), run the reaper, and end runs
killed by the hard time limit. These run in the worker's parent process, which never touches CUDA."""
from __future__ import annotations

import logging
import shutil
import subprocess
import threading

from celery import signals
from django.db import close_old_connections
from django.utils import timezone

log = logging.getLogger(__name__)
ANNOUNCE_EVERY_S = 10.0
_announcer_stop = threading.Event()


def gpu_name_without_cuda() -> str:
    """The GPU's name from nvidia-smi (no CUDA context in the parent), else 'cpu'."""
    if shutil.which("nvidia-smi"):
        try:
            out = subprocess.run(
                ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader", "-i", "0"],
                capture_output=True, text=True, timeout=10,
            )
            if out.returncode == 0 and out.stdout.strip():
                return out.stdout.strip().splitlines()[0]
        except (OSError, subprocess.SubprocessError):
            pass
    return "cpu"


def announce(hostname: str, queues: list[str], device: str, concurrency: int) -> None:
    from apps.runs.models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname,
        defaults={"queues": queues, "device_name": device, "concurrency": concurrency, "last_seen": now},
        create_defaults={"queues": queues, "device_name": device, "concurrency": concurrency,
                         "last_seen": now, "started_at": now},
    )


@signals.worker_init.connect
def preload_run_code(**_):
    """Import the runner, numpy, torch and every method in the parent, once: each run's fresh
    child is forked with them loaded, so a run starts in milliseconds rather than seconds.
    Importing torch does not initialise CUDA; that happens only inside a run."""
    import time

    started = time.perf_counter()
    import numpy  # noqa: F401
    import torch  # noqa: F401

    import workers.runner  # noqa: F401
    from workers.methods.registry import REGISTRY, extra_methods, get_method

    for slug in {**extra_methods(), **REGISTRY}:
        try:
            get_method(slug)
        except Exception:
            log.exception("could not preload method %s", slug)
    log.info("preloaded run code in %.1f s", time.perf_counter() - started)


@signals.worker_ready.connect
def start_announcing(sender=None, **_):
    consumer = sender
    hostname = consumer.hostname
    queues = sorted(q.name for q in consumer.task_consumer.queues) if consumer.task_consumer else []
    device = gpu_name_without_cuda() if "gpu" in queues else "cpu"
    concurrency = getattr(consumer.pool, "limit", 1) or 1

    def loop():
        from django.conf import settings

        from workers.reaper import reap_once

        every = min(ANNOUNCE_EVERY_S, settings.REAPER_INTERVAL_S)
        while True:
            try:
                close_old_connections()
                announce(hostname, queues, device, concurrency)
                reap_once()
            except Exception:
                log.exception("worker %s: announce/reap failed; retrying", hostname)
            if _announcer_stop.wait(every):
                return

    threading.Thread(target=loop, name="announce-and-reap", daemon=True).start()


@signals.worker_shutdown.connect
def stop_announcing(sender=None, **_):
    from apps.runs.models import WorkerHeartbeat

    _announcer_stop.set()
    try:
        close_old_connections()
        WorkerHeartbeat.objects.filter(hostname=getattr(sender, "hostname", "")).delete()
    except Exception:
        log.exception("could not withdraw the worker announcement")


@signals.task_failure.connect
def end_run_killed_by_time_limit(sender=None, task_id=None, exception=None, args=None, **_):
    from billiard.exceptions import TimeLimitExceeded

    if sender is None or sender.name != "workers.tasks.execute_run" or not isinstance(exception, TimeLimitExceeded):
        return
    from apps.runs.lifecycle import fail_running

    close_old_connections()
    fail_running(int(args[0]), "time limit: the hard limit killed the process")
