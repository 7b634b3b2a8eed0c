"""Hostile programs the sandbox must contain, and how each containment is recognised.

Each attack is a program plus a predicate on its ``Execution`` (and on the world afterwards:
the file it tried to write must not exist, /etc/passwd's content must not come back). Decided
policy: reading outside the job's directory and the Python installation is *refused* (so
/etc/passwd is not readable), not merely harmless.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Callable

from .sandbox import Execution

SECRET_MARK = "reprolab-sandbox-secret"


def escape_path() -> str:
    return os.path.join(tempfile.gettempdir(), f"math-sandbox-escape-{os.getpid()}.txt")


@dataclass(frozen=True)
class Attack:
    name: str
    code: Callable[[], str]
    contained: Callable[[Execution], bool]
    expected: str


def _refused(execution: Execution) -> bool:
    return execution.outcome == "refused"


def _killed(execution: Execution) -> bool:
    return execution.outcome in ("killed-cpu", "killed-wall")


ATTACKS = (
    Attack("infinite loop", lambda: "while True:\n    pass\n", _killed, "killed at the CPU-time or wall-clock limit"),
    Attack("sleep past the limit", lambda: "import time\ntime.sleep(600)\n", lambda e: e.outcome == "killed-wall",
           "killed at the wall-clock limit"),
    Attack("fork bomb", lambda: "import os\nwhile True:\n    os.fork()\n", _refused, "os.fork refused"),
    Attack("shell fork bomb", lambda: "import subprocess\nsubprocess.Popen(['sh', '-c', ':(){ :|:& };:'])\n", _refused,
           "subprocess.Popen refused"),
    Attack("large allocation", lambda: "block = bytearray(64 * 1024**3)\nprint(len(block))\n", _refused,
           "MemoryError at the address-space limit"),
    Attack("file write outside the temp dir", lambda: f"open({escape_path()!r}, 'w').write('escaped')\n",
           lambda e: _refused(e) and not os.path.exists(escape_path()), "open for writing refused, no file created"),
    Attack("file read of /etc/passwd", lambda: "print(open('/etc/passwd').read())\n",
           lambda e: _refused(e) and "root:" not in e.stdout, "open for reading refused, nothing printed"),
    Attack("network connection", lambda: (
        "import socket\nsocket.create_connection(('127.0.0.1', 6379), timeout=1).sendall(b'PING')\nprint('connected')\n"),
        lambda e: e.outcome != "ok" and "connected" not in e.stdout, "socket refused (and no route in its namespace)"),
    Attack("output flood", lambda: "while True:\n    print('x' * 65536)\n", lambda e: e.outcome != "ok" and len(e.stdout) <= 20_000,
           "killed at the file-size or a time limit, at most 20,000 characters read back"),
    Attack("environment secrets", lambda: "import os\nprint(sorted(os.environ.items()))\n",
           lambda e: SECRET_MARK not in e.stdout and "DATABASE_URL" not in e.stdout,
           "runs, but sees a clean environment: none of the lab's variables"),
    Attack("move a file out of the temp dir", lambda: (
        f"open('a.txt', 'w').write('x')\nimport os\nos.rename('a.txt', {escape_path()!r})\n"),
        lambda e: _refused(e) and not os.path.exists(escape_path()), "os.rename to outside refused"),
    Attack("ctypes escape", lambda: "import ctypes\nctypes.CDLL(None).fork()\n", _refused, "import of ctypes refused"),
    Attack("audit-hook tampering via gc", lambda: "import gc\nprint(len(gc.get_objects()))\n", _refused,
           "gc.get_objects refused"),
)


def run_attacks(sandbox, limits=None) -> dict[str, dict]:
    report = {}
    for attack in ATTACKS:
        execution = sandbox.run(attack.code(), limits)
        report[attack.name] = {
            "contained": bool(attack.contained(execution)), "outcome": execution.outcome,
            "detail": execution.detail[:200], "seconds": round(execution.seconds, 3), "expected": attack.expected,
        }
    if os.path.exists(escape_path()):
        os.remove(escape_path())
    return report
