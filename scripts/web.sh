#!/usr/bin/env bash
# The lab's web server: gunicorn with threads (settings in scripts/gunicorn.conf.py), as
# `make run` and `make web` start it. Static files are served by WhiteNoise.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
. scripts/lab_env.sh
exec "$VENV/bin/gunicorn" -c scripts/gunicorn.conf.py apps.wsgi:application
