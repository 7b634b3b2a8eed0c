"""Prove the GPU worker path on a machine with an NVIDIA GPU: a real Celery worker consuming
queue ``gpu`` runs a method queued through the lab's own ``submit`` and the run ends
``succeeded`` on the CUDA device, with its points and verdicts in the database.

Uses whatever DATABASE_URL / REDIS_URL say (SQLite and the embedded file broker by default):

    python scripts/gpu_worker_check.py [SLUG] [PRESET]
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apps.settings")


def main(slug: str, preset: str, timeout_s: float = 150.0) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("sync_catalog", verbosity=0)
    from apps.runs.models import Series
    from apps.runs.queueing import RunRequest, submit

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "apps", "worker", "-Q", "gpu", "--concurrency", "1",
         "--pool", "prefork", "-n", "gpu-check@%h", "--loglevel", "WARNING"],
        cwd=ROOT, start_new_session=True,
    )
    try:
        started = time.perf_counter()
        run = submit(RunRequest(method=slug, preset=preset, seed=0, queue="gpu", force=True))
        while time.perf_counter() - started < timeout_s:
            run.refresh_from_db()
            if run.status in ("succeeded", "failed", "cancelled"):
                break
            if worker.poll() is not None:
                print(f"gpu worker: the worker exited with status {worker.returncode} before the run ended")
                break
            time.sleep(0.5)
        points = sum(s.points for s in Series.objects.filter(run=run))
        verdicts = ", ".join(f"{c['id']}={c['verdict']}" for c in run.claims or [])
        print(f"gpu worker: run #{run.pk} {slug} [{preset}] status={run.status} device={run.device_name!r} "
              f"attempts={run.attempts} wall={time.perf_counter() - started:.1f}s points={points} {verdicts}")
        if run.status != "succeeded":
            print(f"gpu worker: error: {run.error}")
        ok = run.status == "succeeded" and not run.device_name.lower().startswith("cpu")
        return 0 if ok else 1
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "sinkhorn-newton-sparse",
                  sys.argv[2] if len(sys.argv) > 2 else "smoke"))
