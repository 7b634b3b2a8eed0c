#!/usr/bin/env bash
# Run the test suite against PostgreSQL and Redis when they answer (CI starts them), else
# SQLite and an embedded broker. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
# Each invocation gets its own test database and broker key prefix, so two test runs on one
# machine (or a test run beside a running lab) never share state.
if [ -z "${DATABASE_URL:-}" ] && answers 127.0.0.1 5432; then
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/reprolab_$$"
fi
export REPROLAB_BROKER_PREFIX="${REPROLAB_BROKER_PREFIX:-test$$:}"
if [ -z "${REDIS_URL:-}" ] && [ "${REPROLAB_EMBEDDED_BROKER:-false}" != true ] && answers 127.0.0.1 6379; then
  export REDIS_URL="redis://127.0.0.1:6379/9"
fi
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "tests: installing Debian's chromium for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
    || echo "tests: could not install chromium; browser tests will be skipped"
fi
export DJANGO_SETTINGS_MODULE=apps.settings
export REPROLAB_VAR_DIR="${REPROLAB_VAR_DIR:-$(mktemp -d /tmp/reprolab-test.XXXXXX)}"
echo "tests: database=${DATABASE_URL:-sqlite} broker=${REDIS_URL:-embedded} var=$REPROLAB_VAR_DIR"
if [ $# -gt 0 ] || [ -n "${REPROLAB_TEST_SERIAL:-}" ]; then
  exec "$VENV/bin/python" -m pytest "$@"
fi
# The whole suite as two streams, one per core: the method suite (pure numerics, smoke runs on
# one thread each, no database or broker) beside everything else.
methods_log="$REPROLAB_VAR_DIR/methods-tests.log"
echo "tests: method suite in the background (log: $methods_log), the rest here"
"$VENV/bin/python" -m pytest tests/methods -p no:cacheprovider --junitxml="$REPROLAB_VAR_DIR/methods.xml" \
  >"$methods_log" 2>&1 &
methods_pid=$!
"$VENV/bin/python" -m pytest --ignore=tests/methods --junitxml="$REPROLAB_VAR_DIR/rest.xml"
rest_status=$?
wait "$methods_pid"
methods_status=$?
echo "---- method suite ----"
tail -n 40 "$methods_log"
"$VENV/bin/python" scripts/junit_total.py "$REPROLAB_VAR_DIR/methods.xml" "$REPROLAB_VAR_DIR/rest.xml"
[ "$rest_status" -eq 0 ] && [ "$methods_status" -eq 0 ]
