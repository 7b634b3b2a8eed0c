"""Processes the benchmarks start and stop themselves: Celery workers and a gunicorn server.
Each runs in its own session, so stopping it ends its children too (and nothing else)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .env import OUT, ROOT, bench_environ

VENV_BIN = Path(sys.executable).parent


class Managed:
    """A started process with its log file under bench/out/logs/."""

    def __init__(self, name: str, command: list[str], env: dict[str, str] | None = None):
        self.name = name
        self.command = command
        self.env = {**os.environ, **bench_environ(), **(env or {})}
        self.log_path = OUT / "logs" / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def launch(self) -> Managed:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 20.0) -> None:
        if not self.alive():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._log.close()


def worker(name: str, env: dict[str, str] | None = None) -> Managed:
    """A CPU worker as `make worker` starts it (prefork, concurrency 1), gossip and mingle off."""
    command = [sys.executable, "-m", "celery", "-A", "apps", "worker", "-Q", "cpu", "--concurrency", "1",
               "--pool", "prefork", "-n", f"{name}-{os.getpid()}@%h", "--loglevel", "INFO",
               "--without-gossip", "--without-mingle"]
    return Managed(name, command, {"LOG_LEVEL": "INFO", **(env or {})})


def wait_ready(workers: list[Managed], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    pending = list(workers)
    while pending and time.monotonic() < deadline:
        for w in list(pending):
            if " ready." in w.output():
                pending.remove(w)
            elif not w.alive():
                raise RuntimeError(f"worker {w.name} exited: {w.output()[-2000:]}")
        time.sleep(0.2)
    if pending:
        raise TimeoutError(f"workers not ready: {[w.name for w in pending]}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn(port: int, workers: int = 3) -> Managed:
    command = [str(VENV_BIN / "gunicorn"), "apps.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", str(workers),
               "--log-level", "warning", "--timeout", "120"]
    return Managed("gunicorn", command)


def wait_http(url: str, timeout: float = 60.0, process: Managed | None = None) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        if process is not None and not process.alive():
            raise RuntimeError(f"{process.name} exited: {process.output()[-2000:]}")
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout} s")
