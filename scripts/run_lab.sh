#!/usr/bin/env bash
# Start the whole lab in the foreground: one CPU worker (with the reaper) and the web server
# (gunicorn with threads: scripts/web.sh, settings in scripts/gunicorn.conf.py).
# Ctrl-C stops both. Uses DATABASE_URL / REDIS_URL when set; see scripts/lab_env.sh and
# apps/settings.py for the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
mkdir -p var/log
. scripts/lab_env.sh  # the broker, decided once here: REDIS_URL, else local Redis if it answers, else files
broker=$LAB_BROKER
database=$("$VENV/bin/python" -c 'import django,os;os.environ.setdefault("DJANGO_SETTINGS_MODULE","apps.settings");django.setup();from django.conf import settings as s;d=s.DATABASES["default"];print(d["ENGINE"].rsplit(".",1)[-1], d["NAME"])')
"$VENV/bin/celery" -A apps worker -Q cpu --concurrency 1 --pool prefork -n "cpu@$(hostname)" \
  --loglevel INFO >var/log/worker.log 2>&1 &
worker=$!
trap 'echo; echo "stopping worker ($worker) and web server"; kill $worker 2>/dev/null; wait $worker 2>/dev/null; exit 0' INT TERM
cat <<MSG
ReproLab is starting
  database : $database
  broker   : $broker
  worker   : CPU worker, queue 'cpu', pid $worker (log: var/log/worker.log)
  web      : http://${REPROLAB_WEB_BIND:-127.0.0.1:8000} (gunicorn, ${REPROLAB_WEB_WORKERS:-2} workers x ${REPROLAB_WEB_THREADS:-8} threads; access log: var/log/web.log)
Stop everything with Ctrl-C. A GPU worker on this or another host: see README ("GPU workers").
MSG
REPROLAB_WEB_ACCESS_LOG=${REPROLAB_WEB_ACCESS_LOG:-var/log/web.log} VENV="$VENV" bash scripts/web.sh &
web=$!
trap 'echo; echo "stopping worker ($worker) and web server ($web)"; kill $worker $web 2>/dev/null; wait 2>/dev/null; exit 0' INT TERM
wait $web
kill $worker 2>/dev/null || true
