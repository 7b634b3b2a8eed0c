#!/usr/bin/env bash
# One Celery worker on the broker lab_env.sh decides: `scripts/worker.sh cpu` or `scripts/worker.sh gpu`
# (`make worker`, `make gpu-worker`); further arguments go to celery.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
. scripts/lab_env.sh
queue=${1:-cpu}
shift || true
echo "worker: queue '$queue', broker: $LAB_BROKER"
exec "$VENV/bin/celery" -A apps worker -Q "$queue" --concurrency 1 --pool prefork -n "$queue@%h" --loglevel INFO "$@"
