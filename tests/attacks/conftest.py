"""Attack-suite fixtures: runs with artifacts on disk, API tokens, a Redis of our own for the
queue attacks, and Chromium launch arguments for the script-injection checks."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import pytest

CHROMIUM = "/usr/bin/chromium"

# Strings an attacker may put wherever the lab shows user-controlled text. Each one, if it
# ever ran, would set window.__pwned or open a dialog.
HOSTILE = [
    "<script>window.__pwned='script';alert(1)</script>",
    "<img src=x onerror=\"window.__pwned='onerror';alert(2)\">",
    "\"><svg onload=\"window.__pwned='svg'\">",
    "</script><script>window.__pwned='breakout'</script>",
    "<!--<script>window.__pwned='comment'</script>",
    "<a href=\"javascript:window.__pwned='link'\">click me</a>",
    "javascript:window.__pwned='bare-link'",
    "' onmouseover='window.__pwned=\"attr\"' x='",
]


@pytest.fixture
def artifacts_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "artifacts")
    return Path(settings.MEDIA_ROOT)


def make_run(method, owner=None, *, status="succeeded", private=False, files=None, **fields):
    """A run row (no worker involved) with the given artifact files on disk and registered."""
    from apps.runs.models import Artifact, Run
    from apps.runs.store import run_artifact_dir

    run = Run.objects.create(method=method, owner=owner, config={"steps": 3}, config_hash=f"h{time.monotonic_ns()}",
                             preset="smoke", status=status, private=private, **fields)
    folder = run_artifact_dir(run.pk)
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in (files or {}).items():
        (folder / name).write_text(content)
        Artifact.objects.create(run=run, name=name, size=len(content))
    return run


@pytest.fixture
def alice_token(alice):
    from apps.accounts.models import ApiToken

    return ApiToken.issue(alice)[1]


@pytest.fixture
def bob_token(bob):
    from apps.accounts.models import ApiToken

    return ApiToken.issue(bob)[1]


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def private_redis():
    """A Redis nobody else's workers read, so a hostile message reaches only our worker."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.kill()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} missing (scripts/test.sh installs the Debian package)")
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }
