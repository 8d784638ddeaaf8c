#!/usr/bin/env bash
# The load test with everything it needs: a fresh PostgreSQL database with the demo,
# gunicorn (4 workers, DEBUG off), a Celery worker; torn down afterwards.
# Arguments go to bench/load.py (--users 50 --spawn-rate 10 --duration 60).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python bench/load.py --serve "$@"
