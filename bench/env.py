"""The benchmarks' own world: database `reprolab_bench` (dropped and re-created at each start),
Redis db 11, a var folder under bench/out/, and the probe method registered by env."""
from __future__ import annotations

import os
import platform
import secrets
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
BENCH_DB = "reprolab_bench"
REDIS_URL = "redis://127.0.0.1:6379/11"
PROBE = "lab-probe=tests.probes.lab_probe"
SECRET_KEY = os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50)
PACKAGES = ("django", "celery", "psycopg", "redis", "gunicorn", "numpy", "scipy", "torch", "POT", "cvxpy",
            "mpmath", "locust")


def database_url(name: str = BENCH_DB) -> str:
    return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


def bench_environ() -> dict[str, str]:
    """What the bench process, its workers and its web server all see."""
    var = OUT / "var"
    return {
        "DJANGO_SETTINGS_MODULE": "apps.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "REPROLAB_VAR_DIR": str(var),
        "REPROLAB_ARTIFACTS_DIR": str(var / "artifacts"),
        "REPROLAB_EXTRA_METHODS": PROBE,
        "DJANGO_DEBUG": "false",  # production settings: no query log, no debug toolbar of errors
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback (TLS is a proxy's job)
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def configure() -> None:
    """Point this process at the bench world; call before Django is imported."""
    os.environ.update(bench_environ())
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    (OUT / "var").mkdir(parents=True, exist_ok=True)


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def setup_django() -> None:
    """django.setup(), migrate the bench database, load the catalog and the probe method."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from apps.catalog.models import Method, Paper
    from apps.catalog.sync import method_fields, sync_catalog
    from workers.methods.registry import get_method

    sync_catalog()
    probe = get_method("lab-probe")
    Method.objects.update_or_create(
        slug=probe.slug, defaults={"paper": Paper.objects.get(number=probe.paper), **method_fields(probe)}
    )


def prepare() -> None:
    configure()
    recreate_database()
    flush_redis()
    setup_django()


def machine() -> dict:
    info = {
        "host": platform.node(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory": _memory(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": _postgres_version(),
        "commit": _commit(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    return info


def versions() -> dict:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        return f"{kb / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        return "unknown"


def _postgres_version() -> str:
    try:
        import psycopg

        with psycopg.connect(dbname="postgres", **PG) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:  # reported, not fatal
        return f"unknown ({type(exc).__name__})"


def _commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, timeout=5)
        return out.stdout.strip() + (" (+ uncommitted changes)" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
