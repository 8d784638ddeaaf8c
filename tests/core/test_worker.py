"""A real Celery worker, on the configured broker (a folder locally, Redis in CI),
runs tasks against the test database: the production wiring, not eager mode."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from core.models import WorkerHeartbeat
from core.tasks import record_heartbeat

ROOT = Path(__file__).resolve().parents[2]


def _test_database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_a_task_sent_through_the_broker():
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        celery_app.conf.task_always_eager = False
        record_heartbeat.apply_async(kwargs={"name": "worker-integration-test"})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if WorkerHeartbeat.objects.filter(name="worker-integration-test").exists():
                break
            assert worker.poll() is None, worker.stdout.read()
            time.sleep(0.5)
        beat = WorkerHeartbeat.objects.get(name="worker-integration-test")
        assert beat.runs == 1
    finally:
        celery_app.conf.task_always_eager = True
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_beat_schedules_the_heartbeat_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]
    assert entry["task"] == "core.tasks.record_heartbeat" and entry["schedule"] == 60.0
    assert "core.tasks.record_heartbeat" in celery_app.tasks


@pytest.mark.django_db
def test_heartbeat_task_is_idempotent_per_run_and_counts_runs():
    record_heartbeat.delay(name="beat")
    record_heartbeat.delay(name="beat")
    beat = WorkerHeartbeat.objects.get(name="beat")
    assert beat.runs == 2
