"""What every benchmark does first: Django on a throwaway, migrated database."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def django_on_scratch_database(name: str) -> None:
    """Set Django up on ``var/<name>.sqlite3`` (recreated), unless DATABASE_URL is set,
    and migrate it."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    if "DATABASE_URL" not in os.environ:
        db = ROOT / "var" / f"{name}.sqlite3"
        db.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(fn, runs: int) -> tuple[float, float]:
    """``(p50, p95)`` in milliseconds of ``runs`` calls of ``fn``."""
    import statistics
    import time

    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def queries_of(fn) -> int:
    """How many SQL statements ``fn`` sends. Counted at the cursor: Django's query log is
    cleared at the start of each request, so a log taken around a test client's request
    reads nothing."""
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        fn()
    return count[0]
