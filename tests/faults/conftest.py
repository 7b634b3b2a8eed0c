"""Fault-suite fixtures: a Redis of our own on a spare loopback port, which tests may kill
and restart, and helpers to wait on a run's state."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from tests.worker_process import wait_for  # noqa: F401  (re-exported to the fault tests)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, port: int):
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis did not start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis():
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = RedisServer(free_port())
    server.start()
    yield server
    server.kill()



def queued_run(method, **config):
    """A queued run the workers' reconciler will enqueue (no message yet, as after a lost publish)."""
    from apps.runs.models import Run

    return Run.objects.create(method=method, config={"steps": 20, **config}, config_hash="f", preset="smoke")


def status_of(run) -> str:
    from apps.runs.models import Run

    return Run.objects.values_list("status", flat=True).get(pk=run.pk)


def points_of(run) -> int:
    from apps.runs.points import point_count

    return point_count(run)
