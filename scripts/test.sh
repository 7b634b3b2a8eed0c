#!/usr/bin/env bash
# Run the test suite against PostgreSQL and Redis when they answer (CI starts them), else
# SQLite and an embedded broker. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
if [ -z "${DATABASE_URL:-}" ] && answers 127.0.0.1 5432; then
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/reprolab"
fi
if [ -z "${REDIS_URL:-}" ] && answers 127.0.0.1 6379; then
  export REDIS_URL="redis://127.0.0.1:6379/9"
fi
export DJANGO_SETTINGS_MODULE=apps.settings
export REPROLAB_VAR_DIR="${REPROLAB_VAR_DIR:-$(mktemp -d /tmp/reprolab-test.XXXXXX)}"
echo "tests: database=${DATABASE_URL:-sqlite} broker=${REDIS_URL:-embedded} var=$REPROLAB_VAR_DIR"
"$VENV/bin/python" -m pytest "$@"
