"""One settings module, read from the environment and nothing else: importing it creates no
folder and opens no connection. Defaults run a checkout with no setup: SQLite in var/ and the
broker REDIS_URL names, else an embedded file broker. Whether a local Redis answers is decided
at startup (scripts/lab_env.sh, sourced by `make run`, `make web`, `make worker`), which then
exports REDIS_URL; the folders under var/ are made when Django starts (apps/folders.py)."""
from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
VAR_DIR = Path(env.str("REPROLAB_VAR_DIR", default=str(BASE_DIR / "var")))

DEV_SECRET_KEY = "dev-only-insecure-key-set-DJANGO_SECRET_KEY-in-production"
DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

if not DEBUG:
    # Production (DJANGO_DEBUG=false): a real secret key, HTTPS only. Behind a proxy that
    # terminates TLS, set DJANGO_BEHIND_TLS_PROXY=true (it must set X-Forwarded-Proto).
    if not SECRET_KEY.strip() or SECRET_KEY == DEV_SECRET_KEY:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DJANGO_DEBUG is false: set DJANGO_SECRET_KEY to a long random value")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "apps.accounts",
    "apps.catalog",
    "apps.runs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "apps.urls"
WSGI_APPLICATION = "apps.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'reprolab.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # shared with worker processes
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("REPROLAB_ARTIFACTS_DIR", default=str(VAR_DIR / "artifacts")))
# Artifacts in an S3-compatible store (django-storages + boto3) when ARTIFACTS_URL is
# s3://bucket/prefix: workers write to a local scratch folder and upload when the run ends;
# endpoint, region and keys come from the usual AWS_* variables. Else the filesystem above.
ARTIFACTS_URL = env.str("ARTIFACTS_URL", default="")
ARTIFACTS_SCRATCH = VAR_DIR / "scratch"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if ARTIFACTS_URL:
    from apps.objectstore_url import s3_storage_settings

    STORAGES["artifacts"] = s3_storage_settings(ARTIFACTS_URL, env)
WHITENOISE_USE_FINDERS = True
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_TZ = True
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"


BROKER_FOLDER = VAR_DIR / "broker"
"""The embedded file broker's messages (kombu's filesystem:// transport), when no REDIS_URL."""


def _broker() -> tuple[str, str, dict]:
    """(url, description, transport options): REDIS_URL when set, else the file broker."""
    if env.str("REDIS_URL", default=""):
        return env.str("REDIS_URL"), "redis (REDIS_URL)", {}
    options = {"data_folder_in": str(BROKER_FOLDER / "in"), "data_folder_out": str(BROKER_FOLDER / "in"),
               "processed_folder": str(BROKER_FOLDER / "processed"), "store_processed": False}
    return "filesystem://", f"embedded file broker ({BROKER_FOLDER})", options


CELERY_BROKER_URL, BROKER_DESCRIPTION, _broker_options = _broker()

# Runs: lease, limits, attempts. A run's heartbeat is renewed every HEARTBEAT_S; the reaper
# treats a running run whose heartbeat is older than LEASE_S as lost.
RUN_HEARTBEAT_S = env.float("RUN_HEARTBEAT_S", default=1.0)
RUN_LEASE_S = env.float("RUN_LEASE_S", default=30.0)
RUN_MAX_ATTEMPTS = env.int("RUN_MAX_ATTEMPTS", default=2)
RUN_CPU_THREADS = env.int("RUN_CPU_THREADS", default=0)  # 0: all cores (smoke presets always use 1)
RUN_SOFT_TIME_LIMIT_S = env.int("RUN_SOFT_TIME_LIMIT_S", default=15 * 60)
RUN_HARD_TIME_LIMIT_S = env.int("RUN_HARD_TIME_LIMIT_S", default=RUN_SOFT_TIME_LIMIT_S + 60)
RUN_QUEUED_RECONCILE_S = env.float("RUN_QUEUED_RECONCILE_S", default=60.0)
REAPER_INTERVAL_S = env.float("REAPER_INTERVAL_S", default=10.0)
METRICS_MAX_POINTS = env.int("METRICS_MAX_POINTS", default=2000)
RUNS_PER_USER_CAP = env.int("RUNS_PER_USER_CAP", default=5)

# Redis redelivers an unacked message after visibility_timeout: keep it above the hard limit.
BROKER_VISIBILITY_TIMEOUT_S = env.int("BROKER_VISIBILITY_TIMEOUT_S", default=RUN_HARD_TIME_LIMIT_S + 600)
BROKER_SOCKET_TIMEOUT_S = env.float("BROKER_SOCKET_TIMEOUT_S", default=10.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **_broker_options,
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT_S,
}
if CELERY_BROKER_URL.startswith("redis"):
    if env.str("REPROLAB_BROKER_PREFIX", default=""):
        CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = env.str("REPROLAB_BROKER_PREFIX")
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        socket_timeout=BROKER_SOCKET_TIMEOUT_S, socket_connect_timeout=5.0, retry_on_timeout=True,
        health_check_interval=10,
    )
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = RUN_SOFT_TIME_LIMIT_S
CELERY_TASK_TIME_LIMIT = RUN_HARD_TIME_LIMIT_S
CELERY_TASK_DEFAULT_QUEUE = "cpu"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = False
# Each run forks its own process (workers/isolation.py), so pool children can live long.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=200)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
