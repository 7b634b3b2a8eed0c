"""Start and stop real Celery worker processes against the test database."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    cfg = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{cfg['NAME']}"
    user = cfg.get("USER") or "postgres"
    return f"postgres://{user}@{cfg.get('HOST') or '127.0.0.1'}:{cfg.get('PORT') or 5432}/{cfg['NAME']}"


class WorkerProcess:
    def __init__(self, name: str, queues: str = "cpu,gpu", env: dict[str, str] | None = None, max_tasks_per_child: int = 200):
        self.name = name
        self.queues = queues
        self.extra_env = env or {}
        self.max_tasks_per_child = max_tasks_per_child
        self.process: subprocess.Popen | None = None
        self.log_path = Path(os.environ.get("REPROLAB_VAR_DIR", "/tmp")) / f"worker-{name}-{os.getpid()}.log"

    def start(self, wait_ready_s: float = 60.0) -> None:
        env = {**os.environ, "DATABASE_URL": test_database_url(), "DB_CONN_MAX_AGE": "0", **self.extra_env}
        command = [
            sys.executable, "-m", "celery", "-A", "apps", "worker", "-Q", self.queues, "--concurrency", "1",
            "--pool", "prefork", "-n", f"{self.name}-{os.getpid()}@%h", "--loglevel", "INFO",
            "--without-gossip", "--without-mingle", "--max-tasks-per-child", str(self.max_tasks_per_child),
        ]
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + wait_ready_s
        while time.monotonic() < deadline:
            if " ready." in self.log_path.read_text():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        raise TimeoutError(f"worker not ready: {self.log_path.read_text()[-3000:]}")

    def children(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def kill_all(self) -> None:
        """SIGKILL the whole worker: parent and pool children."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 20.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.log.close()

    def output(self) -> str:
        return self.log_path.read_text()


def wait_for(predicate, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
