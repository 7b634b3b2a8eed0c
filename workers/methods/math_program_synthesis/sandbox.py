"""Run untrusted candidate programs (and the grader on their output) in a sandbox.

A ``Sandbox`` starts one zygote process (``zygote.py``, a separate Python interpreter with
sympy loaded) and hands it jobs over a pipe; the zygote forks a limited child per job (see its
docstring for the limits). What comes back is an ``Execution``: the program's stdout, and how it
ended — ``ok``, ``error`` (it raised), ``refused`` (the sandbox refused an operation or memory),
``killed-cpu`` or ``killed-wall`` (a limit ended it), ``crashed``.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ZYGOTE = Path(__file__).with_name("zygote.py")
CLEAN_ENVIRONMENT = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/nonexistent", "MPLBACKEND": "Agg"}
"""The zygote's whole environment: none of the lab's variables (database URLs, keys) reach a program."""


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 2
    wall_seconds: float = 4.0
    memory_mb: int = 512
    file_mb: int = 16


@dataclass(frozen=True)
class Execution:
    outcome: str
    stdout: str
    detail: str
    seconds: float
    isolation: str = ""
    refusals: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


class SandboxBroken(RuntimeError):
    """The zygote itself stopped answering (not a program's fault)."""


def classify(reply: dict[str, Any]) -> Execution:
    status = reply.get("status") or {}
    common = dict(stdout=reply["stdout"], seconds=reply["seconds"], isolation=status.get("isolation", ""),
                  refusals=tuple(status.get("refusals") or ()))
    if reply["timed_out"]:
        return Execution("killed-wall", detail="killed at the wall-clock limit", **common)
    if reply["signal"] in ("SIGXCPU", "SIGKILL"):
        return Execution("killed-cpu", detail=f"killed at the CPU-time limit ({reply['signal']})", **common)
    if reply["signal"]:
        return Execution("crashed", detail=f"ended by {reply['signal']}", **common)
    if not status:
        return Execution("crashed", detail="ended without reporting: " + reply["stderr"][-200:], **common)
    if status.get("exception") == "OSError" and ("File too large" in status.get("message", "")
                                                 or "file-size limit" in status.get("message", "")):
        return Execution("refused", detail="output past the file-size limit", **common)
    if status.get("exception") == "MemoryError":
        return Execution("refused", detail="memory limit: MemoryError", **common)
    if common["refusals"]:
        return Execution("refused", detail="; ".join(common["refusals"][:3]), **common)
    if status.get("exception"):
        return Execution("error", detail=f"{status['exception']}: {status.get('message', '')}", **common)
    return Execution("ok", detail="", **common)


class Sandbox:
    def __init__(self, limits: Limits = Limits()):
        self.limits = limits
        self.base = tempfile.mkdtemp(prefix="math-sandbox-")
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Sandbox":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-I", str(ZYGOTE), self.base], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, bufsize=1, start_new_session=True, env=CLEAN_ENVIRONMENT,
        )
        self._read_reply(timeout=60.0)

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
        shutil.rmtree(self.base, ignore_errors=True)

    def _read_reply(self, timeout: float) -> dict:
        assert self.process is not None and self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.close()
            raise SandboxBroken("the sandbox zygote stopped answering")
        return json.loads(line)

    def _job(self, limits: Limits | None = None, **job: Any) -> dict:
        if self.process is None:
            self.base = tempfile.mkdtemp(prefix="math-sandbox-")
            self.start()
        limits = limits or self.limits
        try:
            self.process.stdin.write(json.dumps({**asdict(limits), **job}) + "\n")
            self.process.stdin.flush()
        except OSError:  # a broken pipe: the zygote is gone
            self.close()
            raise SandboxBroken("the sandbox zygote had died") from None
        reply = self._read_reply(timeout=limits.wall_seconds + 30.0)
        shutil.rmtree(reply.pop("workdir"), ignore_errors=True)
        return reply

    def run(self, code: str, limits: Limits | None = None) -> Execution:
        """Execute ``code`` under ``limits`` (the sandbox's own by default). Should the zygote itself
        die, the program counts as crashed and the next job starts a fresh zygote."""
        try:
            return classify(self._job(limits, kind="program", code=code))
        except SandboxBroken as exc:
            return Execution("crashed", stdout="", detail=str(exc), seconds=0.0)

    def grade(self, stdout: str, answer: str, kind: str) -> dict:
        """The grader's verdict on ``stdout``, computed inside the sandbox."""
        try:
            execution = classify(self._job(kind="grade", output=stdout, answer=answer, answer_kind=kind))
        except SandboxBroken as exc:
            return {"correct": False, "reason": f"grading crashed: {exc}", "parsed": ""}
        if not execution.ok:
            return {"correct": False, "reason": f"grading {execution.outcome}: {execution.detail}", "parsed": ""}
        return json.loads(execution.stdout.strip().splitlines()[-1])

    @property
    def workdir_root(self) -> str:
        return os.path.realpath(self.base)
