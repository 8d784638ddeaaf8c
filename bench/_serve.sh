#!/usr/bin/env bash
# Run a command against the app served as in production, on a throwaway database:
#
#   bench/_serve.sh [--workers N] [--celery] -- COMMAND [ARG...]
#
# A fresh PostgreSQL database (migrated, demo loaded), static files collected into a
# temporary folder, gunicorn (DEBUG off, N sync workers, default 4) on a free loopback
# port and, with --celery, one Celery worker on Redis. COMMAND runs with
# SIAM_BASE_URL, SIAM_GUNICORN_LOG, SIAM_WORK_DIR, DATABASE_URL and the app's other
# settings in its environment; everything is torn down afterwards and COMMAND's
# exit status is returned. Shared by bench/load.py and bench/fault_db_restart.py.
set -euo pipefail
cd "$(dirname "$0")/.."
py="$PWD/.venv/bin/python"
workers=4
celery=0
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --celery) celery=1; shift ;;
    --) shift; break ;;
    *) echo "usage: $0 [--workers N] [--celery] -- COMMAND [ARG...]" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--workers N] [--celery] -- COMMAND [ARG...]" >&2; exit 2; }

started=$SECONDS
step() { printf '[serve %3ds] %s\n' $((SECONDS - started)) "$*"; }

pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not up on 127.0.0.1:5432" >&2; exit 1; }
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "Redis is not up on 127.0.0.1:6379" >&2; exit 1; }

export PGOPTIONS="--client-min-messages=warning"
db="siam_bench_$(date +%s)_$$"
work="$(mktemp -d)"
pids=""
# Its own Redis database, emptied before and after: a worker must not pick up tasks
# queued by an earlier run for rows of a database that no longer exists.
broker_db=13

cleanup() {
  local status=$?
  for pid in $pids; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $pids; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ] && ls "$work"/*.log >/dev/null 2>&1; then
    # The temporary folder goes; the logs of a failed run are what explains it.
    kept="$(mktemp -d "${TMPDIR:-/tmp}/siam-bench-failed.XXXXXX")"
    cp "$work"/*.log "$kept"/
    step "logs of this run kept in ${kept}: $(cd "$kept" && echo *.log)"
  fi
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS ${db} WITH (FORCE)" || true
  redis-cli -h 127.0.0.1 -p 6379 -n "$broker_db" flushdb >/dev/null 2>&1 || true
  rm -rf "$work"
  step "torn down (exit status ${status})"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE ${db}"
redis-cli -h 127.0.0.1 -p 6379 -n "$broker_db" flushdb >/dev/null

export DJANGO_SETTINGS_MODULE=config.settings
export DEBUG=false
SECRET_KEY="$($py -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
# Plain HTTP on loopback, no TLS proxy: an HTTPS redirect or secure-only cookies
# would make logging in impossible.
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${db}"
export CELERY_BROKER_URL="redis://127.0.0.1:6379/${broker_db}"
export STATIC_ROOT="$work/static"
export SIAM_VAR_DIR="$work/var"
export LOG_LEVEL=WARNING

# collectstatic needs no database and is the slowest step: alongside migrate.
step "database ${db}: collectstatic (background), migrate, load_demo"
$py manage.py collectstatic --noinput -v 0 >"$work/collectstatic.log" 2>&1 &
collect_pid=$!
pids="$collect_pid"
$py manage.py migrate --noinput -v 0
$py manage.py load_demo --quiet-logins
wait "$collect_pid" || { cat "$work/collectstatic.log" >&2; exit 1; }
pids=""

port="$($py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export SIAM_BASE_URL="http://127.0.0.1:${port}"
export SIAM_GUNICORN_LOG="$work/gunicorn.log"
export SIAM_WORK_DIR="$work"
step "gunicorn (${workers} workers) on ${SIAM_BASE_URL}"
"$PWD/.venv/bin/gunicorn" config.wsgi --bind "127.0.0.1:${port}" --workers "$workers" \
  --access-logfile "$work/access.log" --error-logfile - >"$SIAM_GUNICORN_LOG" 2>&1 &
pids="$!"
if [ "$celery" = 1 ]; then
  step "celery worker (log ${work}/celery.log)"
  # One process: the two cores are for gunicorn, PostgreSQL and the load generator.
  PYTHON=$py scripts/worker all --concurrency=1 --loglevel=WARNING \
    --without-gossip --without-mingle >"$work/celery.log" 2>&1 &
  pids="$pids $!"
fi
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "${SIAM_BASE_URL}/healthz/" 2>/dev/null && break
  sleep 0.5
done
curl -fsS -o /dev/null "${SIAM_BASE_URL}/healthz/"

step "running: $*"
set +e
"$@"
status=$?
set -e
exit "$status"
