"""gunicorn settings of the web server that `make run` and `make web` start (scripts/web.sh),
and that tests/api/test_web_under_load.py starts the same way.

Threaded workers (gthread): a burst of clients waits in the listen backlog and on the threads
instead of being reset, and a slow download does not hold a whole process. Django keeps one
database connection per thread (CONN_MAX_AGE), so workers x threads is the connection count.
Overridable from the environment: REPROLAB_WEB_BIND, REPROLAB_WEB_WORKERS, REPROLAB_WEB_THREADS."""
import os

bind = os.environ.get("REPROLAB_WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("REPROLAB_WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("REPROLAB_WEB_THREADS", "8"))
backlog = 2048
timeout = 60
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("REPROLAB_WEB_ACCESS_LOG", "-")
errorlog = "-"
loglevel = "info"
