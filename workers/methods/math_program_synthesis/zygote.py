"""The sandbox's zygote: a separate Python process that imports sympy once, then forks one child
per job read from stdin (a JSON line) and answers with one JSON line on stdout.

Run as a script (``python -I zygote.py``), never imported by the lab. Each child, before it runs
anything untrusted: starts its own session (the zygote kills the whole process group at the end),
moves into a fresh network namespace when the kernel allows it, sets hard resource limits
(CPU seconds, address space, file size, no new processes, no core dumps), sends stdout/stderr to
files in its temporary directory, chdirs there, and installs a Python audit hook that refuses
network sockets, process creation, ctypes, garbage-collector introspection, writes outside the
temporary directory and reads outside it and the Python installation. The zygote kills the
child at the wall-clock limit. A "grade" job runs the trusted grader on the untrusted output
string inside the same kind of child, so parsing it can neither escape nor hang the lab.
"""
from __future__ import annotations

import json
import os
import resource
import signal
import sys
import tempfile
import time
import traceback

import sympy  # imported once here, inherited by every child
import sympy.parsing.sympy_parser

CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
OUTPUT_LIMIT = 20_000
PROCESS_EVENTS = {"os.fork", "os.forkpty", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "subprocess.Popen",
                  "os.kill", "os.killpg", "pty.spawn", "resource.setrlimit", "resource.prlimit", "os.chroot"}
NETWORK_PREFIXES = ("socket.",)
INTROSPECTION_PREFIXES = ("ctypes.", "gc.get_")  # gc: the way to reach the audit hook
PATH_EVENTS = {"os.remove", "os.rmdir", "os.rename", "os.mkdir", "os.chmod", "os.chown", "os.link", "os.symlink",
               "os.truncate", "os.utime", "shutil.rmtree", "os.chdir"}
LISTING_EVENTS = {"os.listdir", "os.scandir"}
BLOCKED_MODULES = ("ctypes", "_ctypes", "_posixsubprocess", "multiprocessing", "_multiprocessing")
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def isolate_network() -> str:
    """A fresh, empty network namespace for this process (root, or an unprivileged user namespace)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) == 0:
        return "network namespace"
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0:
        return "user+network namespace"
    return "audit hook only (namespaces not permitted)"


def set_limits(cpu_seconds: int, memory_mb: int, file_mb: int) -> None:
    def cap(which: int, value: int) -> None:
        resource.setrlimit(which, (value, value))

    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))  # SIGXCPU, then SIGKILL
    vm_now = resource.getrlimit(resource.RLIMIT_AS)[0]
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    wanted = pages * resource.getpagesize() + memory_mb * 2**20
    cap(resource.RLIMIT_AS, wanted if vm_now == resource.RLIM_INFINITY else min(wanted, vm_now))
    cap(resource.RLIMIT_FSIZE, file_mb * 2**20)
    cap(resource.RLIMIT_NPROC, 0)  # binds non-root users only; the audit hook refuses forks for all
    cap(resource.RLIMIT_CORE, 0)


def readable_roots() -> tuple[str, ...]:
    roots = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    roots |= {os.path.realpath(p) for p in sys.path if p and os.path.isdir(p)}
    return tuple(sorted(roots))


def make_hook(workdir: str, read_roots: tuple[str, ...], refusals: list):
    def inside(path, roots) -> bool:
        if isinstance(path, int):
            return True  # an already-open descriptor
        real = os.path.realpath(os.fsdecode(path))
        return any(real == r or real.startswith(r.rstrip("/") + "/") for r in roots)

    def refuse(what: str) -> None:
        refusals.append(what)
        raise PermissionError(f"sandbox: {what} refused")

    def hook(event: str, args: tuple) -> None:
        if event in PROCESS_EVENTS:
            refuse(f"process control ({event})")
        elif event.startswith(NETWORK_PREFIXES):
            refuse(f"network ({event})")
        elif event.startswith(INTROSPECTION_PREFIXES):
            refuse(f"interpreter introspection ({event})")
        elif event == "import" and args[0] in BLOCKED_MODULES:
            refuse(f"import of {args[0]}")
        elif event == "open":
            path, mode, flags = args
            writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool((flags or 0) & WRITE_FLAGS)
            if path is not None and not inside(path, (workdir,) if writes else (workdir, *read_roots)):
                refuse(f"{'write to' if writes else 'read of'} {os.fsdecode(path)}")
        elif event in PATH_EVENTS:
            outside = [a for a in args[:2] if isinstance(a, (str, bytes)) and not inside(a, (workdir,))]
            if outside:  # both paths of a rename, link or symlink must stay inside
                refuse(f"{event} on {os.fsdecode(outside[0])}")
        elif event in LISTING_EVENTS and args and isinstance(args[0], (str, bytes)) \
                and not inside(args[0], (workdir, *read_roots)):
            refuse(f"listing of {os.fsdecode(args[0])}")

    return hook


def forget_modules(names) -> None:
    """Drop modules from sys.modules and from every loaded module's attributes (e.g.
    ``subprocess._posixsubprocess``), so user code can reach them only by importing them, which
    the audit hook refuses. The zygote does this once for all but ctypes, which each child needs
    for ``unshare`` and then drops from sys.modules (no loaded module refers to it)."""
    blocked = {id(module) for module in (sys.modules.pop(name, None) for name in names) if module}
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for attribute, value in list(namespace.items()):
            if id(value) in blocked:
                namespace[attribute] = None


def child(job: dict, workdir: str, status_fd: int) -> None:
    """Runs in the forked child; never returns."""
    os.setsid()
    isolation = isolate_network()
    set_limits(job["cpu_seconds"], job["memory_mb"], job["file_mb"])
    os.chdir(workdir)
    for fd, name in ((1, "stdout.txt"), (2, "stderr.txt")):
        os.dup2(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    for name in [m for m in sys.modules if m.split(".")[0] in ("ctypes", "_ctypes")]:
        del sys.modules[name]
    refusals: list[str] = []
    sys.addaudithook(make_hook(workdir, readable_roots(), refusals))
    status = {"isolation": isolation, "exception": None}
    try:
        if job["kind"] == "grade":
            from grading import grade_text  # trusted, beside this file

            print(json.dumps(grade_text(job["output"], job["answer"], job["answer_kind"])))
        else:
            exec(compile(job["code"], "<candidate>", "exec"), {"__name__": "__main__"})
    except BaseException as exc:  # noqa: BLE001 - everything the program raised is reported
        status["exception"] = type(exc).__name__
        status["message"] = str(exc)[:300]
        try:
            traceback.print_exc(limit=3)
        except OSError:  # stderr past the file-size limit
            pass
    try:
        sys.stdout.flush()
    except OSError:  # stdout past the file-size limit
        status["exception"], status["message"] = "OSError", "output past the file-size limit"
    status["refusals"] = refusals[:10]
    os.write(status_fd, b"\n" + json.dumps(status).encode()[:4000] + b"\n")
    os._exit(0)


def wait_for(pid: int, wall_seconds: float) -> tuple[int | None, bool]:
    """(wait status, killed at the wall-clock limit); the child's whole group is killed anyway."""
    deadline = time.monotonic() + wall_seconds
    status, timed_out = None, False
    while status is None:
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            status = raw
        elif time.monotonic() > deadline:
            timed_out = True
            os.killpg(pid, signal.SIGKILL)
            status = os.waitpid(pid, 0)[1]
        else:
            time.sleep(0.002)
    try:
        os.killpg(pid, signal.SIGKILL)  # anything it left behind in its group
    except ProcessLookupError:
        pass
    return status, timed_out


def read_text(path: str) -> str:
    try:
        with open(path, errors="replace") as f:
            return f.read(OUTPUT_LIMIT)
    except FileNotFoundError:
        return ""


def run_job(job: dict, base: str) -> dict:
    workdir = tempfile.mkdtemp(prefix="job-", dir=base)
    read_end, write_end = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            child(job, workdir, write_end)
        finally:
            os._exit(70)
    os.close(write_end)
    wait_status, timed_out = wait_for(pid, job["wall_seconds"])
    raw = b"".join(iter(lambda: os.read(read_end, 4096), b""))
    os.close(read_end)
    try:  # the program could write to this pipe too: the last line is the child's, if any
        status = json.loads(raw.decode(errors="replace").strip().splitlines()[-1]) if raw.strip() else None
    except (ValueError, IndexError):
        status = None
    signum = os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else None
    return {
        "stdout": read_text(os.path.join(workdir, "stdout.txt")),
        "stderr": read_text(os.path.join(workdir, "stderr.txt"))[-2000:],
        "status": status if isinstance(status, dict) else None,
        "signal": signal.Signals(signum).name if signum else None,
        "timed_out": timed_out,
        "seconds": time.monotonic() - started,
        "workdir": workdir,
    }


def warm_up() -> None:
    """Load sympy's lazily imported parts once, so forked children start warm."""
    x, f = sympy.Symbol("x"), sympy.Function("f")
    k = sympy.Symbol("k", integer=True, positive=True)
    sympy.simplify(sympy.diff(sympy.exp(x) * sympy.sin(x) / (1 + x**2), x))
    sympy.integrate(x * sympy.exp(-x), (x, 0, sympy.oo)), sympy.integrate(1 / (x**2 - 1), x)
    sympy.limit(sympy.sin(x) / x, x, 0), sympy.series(sympy.cos(x), x, 0, 4)
    sympy.summation(1 / k**2, (k, 1, sympy.oo)), sympy.solve(x**3 - 8, x)
    sympy.Matrix([[2, 1], [1, 2]]).eigenvals()
    sympy.dsolve(sympy.Eq(f(x).diff(x, 2) + f(x), 0), f(x), ics={f(0): 0, f(x).diff(x).subs(x, 0): 1})
    sympy.parsing.sympy_parser.parse_expr("sqrt(3)*I + 1/6")


def main() -> None:
    base = sys.argv[1]
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # an ignored SIGCHLD (inherited) would reap children early
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import grading  # noqa: F401  (loaded before any fork, so children need not read it)

    warm_up()

    forget_modules([name for name in BLOCKED_MODULES if name not in ("ctypes", "_ctypes")])

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        reply = run_job(json.loads(line), base)
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
