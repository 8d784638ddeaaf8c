"""Celery queues that cannot starve each other: every task has a queue and a time limit,
the worker lanes serve every queue, bulk work cut short by its limit carries on in a new
task, and — with real workers — a running import does not delay the breach scan."""

import functools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from integrations import services as integration_services
from integrations import tasks as integration_tasks
from integrations.choices import ImportStateChoices
from integrations.importers import import_path
from integrations.models import ImportRun, SourceEvent
from integrations.samples import servicenow_rows, write_servicenow_csv
from slas import clocks as sla_clocks
from slas import crossings as sla_crossings
from slas import tasks as sla_tasks
from slas.models import IncidentSla, SlaAlert
from tests.core.test_worker import _test_database_url
from tests.integrations.conftest import feeds  # noqa: F401  (fixture)
from tests.integrations.test_imports import csv_text, new_run
from tests.slas.conftest import frozen, sla  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]
PROJECT_TASKS = ("core.", "slas.", "integrations.", "governance.")


def lane_queues(lane: str) -> set[str]:
    out = subprocess.run(
        [str(ROOT / "scripts" / "worker"), "--queues", lane],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.strip().split(","))


def test_every_task_has_a_queue_served_by_a_lane_and_a_time_limit():
    celery_app.loader.import_default_modules()
    ours = sorted(name for name in celery_app.tasks if name.startswith(PROJECT_TASKS))
    assert ours, "no project task registered"
    assert set(ours) == set(settings.SIAM_TASK_QUEUES)
    realtime, bulk = lane_queues("realtime"), lane_queues("bulk")
    assert not realtime & bulk
    assert realtime | bulk == lane_queues("all")
    prefix = settings.SIAM_QUEUE_PREFIX
    for name in ours:
        queue = celery_app.amqp.router.route({}, name)["queue"].name
        assert queue == prefix + settings.SIAM_TASK_QUEUES[name]
        assert queue in realtime | bulk, f"{name}: no worker lane serves {queue}"
        task = celery_app.tasks[name]
        assert 0 < task.soft_time_limit < task.time_limit, name
    # What must run every minute is on the realtime lane and finishes within its minute.
    scan = celery_app.tasks["slas.tasks.scan_sla_thresholds"]
    assert celery_app.amqp.router.route({}, scan.name)["queue"].name in realtime
    assert scan.time_limit < 60
    for bulk_task in ("integrations.tasks.run_import", "slas.tasks.repair_sla"):
        assert celery_app.amqp.router.route({}, bulk_task)["queue"].name in bulk


def test_an_import_out_of_time_stops_between_batches_and_goes_on_in_a_new_task(
    feeds,  # noqa: F811
    sla,  # noqa: F811
    monkeypatch,
    tmp_path,
):
    path = tmp_path / "upload.csv"
    path.write_text(csv_text(list(servicenow_rows(30, seed=8, groups=["Service Desk"]))))
    run = new_run(feeds["servicenow"])
    run.stored_file = str(path)
    run.save()
    original, calls, requeued = integration_services.Ingestor.apply, [], []

    def out_of_time_in_the_third_batch(self, batch, **kwargs):
        calls.append(len(batch))
        if len(calls) == 3:
            raise SoftTimeLimitExceeded()
        return original(self, batch, **kwargs)

    monkeypatch.setattr(
        "integrations.importers.import_path", functools.partial(import_path, batch_rows=10)
    )
    monkeypatch.setattr(integration_services.Ingestor, "apply", out_of_time_in_the_third_batch)
    monkeypatch.setattr(integration_tasks.run_import, "delay", lambda *a: requeued.append(a))
    assert integration_tasks.run_import(run.pk) is None
    run.refresh_from_db()
    # Not failed: two batches kept, the file kept, the rest handed to a new task.
    assert (run.state, run.rows_read, run.events_applied, run.error) == ("running", 20, 20, "")
    assert path.exists() and requeued == [(run.pk,)]

    monkeypatch.setattr(integration_services.Ingestor, "apply", original)
    assert integration_tasks.run_import(run.pk) == ImportStateChoices.DONE
    run.refresh_from_db()
    assert (run.rows_read, run.events_applied, run.events_unchanged) == (30, 30, 0)
    assert SourceEvent.objects.filter(import_run=run).count() == 30


def test_a_repair_out_of_time_goes_on_after_the_last_chunk_it_stored(sla, monkeypatch):  # noqa: F811
    incidents = [sla.open() for _ in range(5)]
    ids = sorted(i.pk for i in incidents)
    IncidentSla.objects.all().delete()
    original, chunks, requeued = sla_clocks.recompute_incidents, [], []

    def out_of_time_in_the_third_chunk(batch):
        chunks.append(list(batch))
        if len(chunks) == 3:
            raise SoftTimeLimitExceeded()
        return original(batch)

    monkeypatch.setattr(sla_clocks, "recompute_incidents", out_of_time_in_the_third_chunk)
    monkeypatch.setattr(sla_crossings, "repair", functools.partial(sla_crossings.repair, chunk=2))
    monkeypatch.setattr(sla_tasks.repair_sla, "delay", lambda *a: requeued.append(a))
    sla_tasks.repair_sla([sla.world.a.pk])
    assert requeued == [([sla.world.a.pk], False, ids[3])]
    assert set(IncidentSla.objects.values_list("incident_id", flat=True)) == set(ids[:4])

    monkeypatch.setattr(sla_clocks, "recompute_incidents", original)
    chunks.clear()
    sla_tasks.repair_sla(*requeued[0])
    assert set(IncidentSla.objects.values_list("incident_id", flat=True)) == set(ids)


def start_worker(lane: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(ROOT / "scripts" / "worker"),
            lane,
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition, workers, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        for worker in workers:
            assert worker.poll() is None, worker.stdout.read()
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has a single writer: the scan would wait for the import's commit",
)
@pytest.mark.django_db(transaction=True)
def test_a_running_import_does_not_delay_the_breach_scan(feeds, sla, tmp_path):  # noqa: F811
    """One worker per lane, each running one task at a time, as production runs them:
    while the bulk worker is busy with a long import, the realtime worker records the
    breach of an incident opened days ago within seconds of the scan being sent."""
    incident = sla.open()  # opened on 23 November at 09:00: long breached by now
    assert not SlaAlert.objects.exists()
    path = tmp_path / "big-export.csv"
    write_servicenow_csv(path, 24_000, seed=5, groups=["Service Desk"])
    run = new_run(feeds["servicenow"])
    run.stored_file = str(path)
    run.save()

    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHON": sys.executable,
    }
    workers = [start_worker("realtime", env), start_worker("bulk", env)]
    try:
        celery_app.conf.task_always_eager = False
        integration_tasks.run_import.delay(run.pk)
        wait_for(
            lambda: ImportRun.objects.get(pk=run.pk).events_applied > 0,
            workers,
            90,
            "the import to commit its first batch",
        )
        sent = time.monotonic()
        sla_tasks.scan_sla_thresholds.delay()
        wait_for(
            lambda: SlaAlert.objects.filter(incident_sla__incident=incident).exists(),
            workers,
            30,
            "the scan to record the breach",
        )
        scan_seconds = time.monotonic() - sent
        run.refresh_from_db()
        assert run.state == ImportStateChoices.RUNNING, "the import finished first: too small"
        assert scan_seconds < 15
    finally:
        celery_app.conf.task_always_eager = True
        for worker in workers:
            # SIGQUIT: a cold stop, not waiting for the import (it would resume later).
            worker.send_signal(signal.SIGQUIT)
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
