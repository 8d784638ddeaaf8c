"""A Celery worker killed in the middle of a task: is the task run again, and only once?

    .venv/bin/python bench/fault_worker_kill.py    # serves itself via bench/_serve.sh

On a fresh PostgreSQL database (demo loaded) with Redis as the broker, an upload of a
generated ServiceNow audit export is queued for the worker, as the upload form does.
Two faults, each on an import of its own:

1. **the task's process is killed** (``kill -9`` of the pool process, as the kernel's
   out-of-memory killer does) once a few batches are committed: the worker sees the
   process lost, hands the task back to the broker (``task_reject_on_worker_lost``)
   and runs it again;
2. **the whole worker is killed** (``kill -9`` of the main process too, as a crashed
   host or ``docker kill``): the message was never acknowledged (``acks_late``), so a
   new worker receives it once the broker's visibility timeout has passed (shortened
   here through ``CELERY_VISIBILITY_TIMEOUT``).

Each time it checks that the import finished, that every row of the file was read
exactly once and applied as exactly one event, and that importing the same file again
applies nothing. Exit status 1 if a check fails.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
ROWS = 24_000
KILL_AFTER_ROWS = 6_000
VISIBILITY_TIMEOUT = 10
DEADLINE = 240


def serve_and_rerun():
    os.environ["SIAM_FAULT_WORKER_KILL"] = "1"
    os.environ["CELERY_VISIBILITY_TIMEOUT"] = str(VISIBILITY_TIMEOUT)
    command = [str(BENCH / "_serve.sh"), "--workers", "1", "--", sys.executable, __file__]
    sys.exit(subprocess.call(command))


def start_worker(log: Path) -> subprocess.Popen:
    # Prefork with one process: the task runs in a child, the main process watches it.
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, stdout=open(log, "a"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def pool_process(worker: subprocess.Popen) -> int:
    import psutil

    for _ in range(100):
        children = psutil.Process(worker.pid).children()
        if children:
            return children[0].pid
        time.sleep(0.1)
    raise RuntimeError("the worker started no pool process")


def wait_for(run, condition, what: str):
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if condition(run):
            return
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what} (state {run.state}, {run.rows_read} rows)")


def queue_import(feed, path: Path, label: str):
    """As the upload form does: the file kept in SIAM_IMPORTS_DIR, the task sent after commit."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from integrations.importers import queue_upload

    upload = SimpleUploadedFile(f"{label}.csv", path.read_bytes(), content_type="text/csv")
    return queue_upload(feed, upload, fmt="servicenow", unknown_groups="create", user=None)


def check(run, path: Path, feed, failures: list, label: str):
    from integrations.importers import import_path
    from integrations.models import ImportRun, SourceEvent

    with open(path) as handle:
        rows = sum(1 for _ in handle) - 1
    events = SourceEvent.objects.filter(import_run=run).count()
    print(
        f"  {label}: state {run.state}; {run.rows_read:,} of {rows:,} rows read, "
        f"{run.events_applied:,} events applied, {run.events_unchanged:,} already there, "
        f"{run.rows_rejected} rejected; {events:,} source events recorded by this run"
    )
    again = import_path(
        ImportRun.objects.create(
            ecosystem=feed.ecosystem, feed=feed, format="servicenow", file_name=path.name,
            unknown_groups="create",
        ),
        path,
    )  # fmt: skip
    print(f"  {label}: the same file imported again applied {again.events_applied} events")
    expected = ("done", rows, rows, 0, rows, 0)
    found = (run.state, run.rows_read, run.events_applied, run.rows_rejected, events,
             again.events_applied)  # fmt: skip
    if found != expected:
        failures.append(f"{label}: expected {expected}, found {found}")


def fault(label, kill, feed, path, work: Path, failures):
    log = work / f"celery-{label}.log"
    worker = start_worker(log)
    run = queue_import(feed, path, label)
    wait_for(run, lambda r: r.rows_read >= KILL_AFTER_ROWS, f"{KILL_AFTER_ROWS} rows")
    rows_at_kill = run.rows_read
    worker = kill(worker, log)
    began = time.monotonic()
    wait_for(run, lambda r: r.state in ("done", "failed"), "the import to finish")
    print(
        f"  {label}: killed at {rows_at_kill:,} committed rows; finished "
        f"{time.monotonic() - began:.1f} s after the kill"
    )
    resumed = "resumes after row" in log.read_text()
    print(f"  {label}: the worker's log says the import resumed: {'yes' if resumed else 'NO'}")
    if not resumed:
        failures.append(f"{label}: the task was not resumed")
    check(run, path, feed, failures, label)
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=30)


def kill_pool_process(worker, log):
    os.kill(pool_process(worker), signal.SIGKILL)
    return worker


def kill_whole_worker(worker, log):
    import psutil

    for process in [*psutil.Process(worker.pid).children(), psutil.Process(worker.pid)]:
        process.kill()
    worker.wait()
    # A new worker, as a supervisor would start after the crash.
    return start_worker(log)


def write_export(path: Path, prefix: str) -> None:
    """A generated export whose tickets are its own (numbers no other import uses), so
    a clean import applies one event per row."""
    import csv

    from integrations.importers import SERVICENOW_COLUMNS
    from integrations.samples import servicenow_rows

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=SERVICENOW_COLUMNS)
        writer.writeheader()
        for row in servicenow_rows(ROWS, seed=41):
            writer.writerow({**row, "number": row["number"].replace("INC", prefix, 1)})


def main():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from integrations.models import TicketFeed

    feed = TicketFeed.objects.select_related("ecosystem").get(system__kind="servicenow")
    work = Path(os.environ.get("SIAM_WORK_DIR") or tempfile.mkdtemp())
    failures = []
    for number, (label, kill) in enumerate(
        (("pool process killed", kill_pool_process), ("whole worker killed", kill_whole_worker)),
        start=1,
    ):
        path = work / f"export-{number}.csv"
        write_export(path, prefix=f"KILL{number}")
        print(
            f"{number}. {label} (export of {ROWS:,} rows, visibility timeout {VISIBILITY_TIMEOUT} s)"
        )
        fault(label, kill, feed, path, work, failures)
    print("PASSED: each task ran again after the kill and applied every row once" if not failures
          else "FAILED:\n  " + "\n  ".join(failures))  # fmt: skip
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    if os.environ.get("SIAM_FAULT_WORKER_KILL") != "1":
        serve_and_rerun()
    main()
