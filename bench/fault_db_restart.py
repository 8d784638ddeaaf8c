"""PostgreSQL restarted under traffic: what do clients see, and is anything lost?

    .venv/bin/python bench/fault_db_restart.py [--force]   # serves itself via bench/_serve.sh

Four logged-in demo users request pages and API lists back to back for 30 s (gunicorn,
4 workers, DEBUG off, on a fresh PostgreSQL database); 10 s in, the PostgreSQL cluster
is restarted (``pg_ctlcluster ... restart``: fast shutdown, every connection is cut).
Prints the answers by kind (200; 503 with and without Retry-After; 500; connection
errors), how long after the restart began answers were 200 again, and row counts
before and after. While the database is unreachable the app should answer 503 with
Retry-After; a 500 is a bug: its traceback is printed from gunicorn's log.

Exit status 1 on any 500 or connection error, if answers were not 200 again by the
end, or if a row count changed. Restarting the cluster cuts every connection to it,
other databases' too: the script refuses (exit status 2) while another database has
clients, unless given --force.
"""

import itertools
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import requests

BENCH = Path(__file__).resolve().parent
CLIENTS = ("john", "elaine", "maria", "david")
PASSWORD = "siam-demo-2026"
PATHS = (
    "/",
    "/slas/incidents/",
    "/api/slas/incidents/",
    "/governance/",
    "/api/siam/ecosystems/",
    "/siam/contracts/",
)
DURATION, RESTART_AT = 30.0, 10.0
TABLES = (
    "slas_incident",
    "slas_incidentevent",
    "slas_incidentsla",
    "siam_contract",
    "integrations_inboundevent",
    "auth_user",
)


@dataclass
class Answer:
    path: str
    began: float
    ended: float
    outcome: str  # "200", "503", ..., or "connection error"
    retry_after: str | None = None
    detail: str = ""


def pg_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"))
    if len(versions) != 1:
        sys.exit(f"Expected one PostgreSQL version in /etc/postgresql, found {versions}")
    return versions[0]


def row_counts() -> dict[str, int]:
    query = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in TABLES)
    output = subprocess.run(
        ["psql", os.environ["DATABASE_URL"], "-Atc", query],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {name: int(n) for name, n in (line.split("|") for line in output.splitlines())}


def logged_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/login/", timeout=10).raise_for_status()
    response = session.post(
        f"{base}/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    if response.status_code != 302:
        sys.exit(f"Login as {username} refused ({response.status_code})")
    return session


def client(base, session, offset, start, stop, answers, lock):
    # Back to back, ignoring Retry-After on purpose: we want to see the moment the
    # answers turn back to 200.
    for n in itertools.count(offset):
        if time.monotonic() >= stop:
            return
        path = PATHS[n % len(PATHS)]
        began = time.monotonic()
        try:
            response = session.get(f"{base}{path}", timeout=15)
            outcome = str(response.status_code)
            if response.history and "/login/" in response.url:
                # The session was lost: the login form answers 200, but it is no page.
                outcome = "sent to login"
            answer = Answer(
                path,
                began - start,
                time.monotonic() - start,
                outcome,
                response.headers.get("Retry-After"),
                response.url,
            )
        except requests.RequestException as exc:
            answer = Answer(
                path, began - start, time.monotonic() - start, "connection error", None, str(exc)
            )
        with lock:
            answers.append(answer)
        time.sleep(0.05)


def restart(version: str, start: float, timing: dict) -> None:
    time.sleep(max(0.0, start + RESTART_AT - time.monotonic()))
    timing["began"] = time.monotonic() - start
    result = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        capture_output=True,
        text=True,
        check=False,
    )
    timing["ended"] = time.monotonic() - start
    timing["status"] = result.returncode
    timing["output"] = (result.stdout + result.stderr).strip()


def watch_postgres(start: float, stop: float, down: list) -> None:
    """When PostgreSQL refused connections, as pg_isready saw it (every 0.2 s)."""
    while time.monotonic() < stop:
        probe = subprocess.run(["pg_isready", "-q", "-t", "1", "-h", "127.0.0.1", "-p", "5432"])
        if probe.returncode != 0:
            down.append(time.monotonic() - start)
        time.sleep(0.2)


def other_connections() -> list[str]:
    """Clients of other databases of the cluster: the restart would cut them too."""
    ours = os.environ.get("DATABASE_URL", "").rpartition("/")[2]
    query = (
        "SELECT datname || ' (' || count(*) || ')' FROM pg_stat_activity "
        "WHERE datname IS NOT NULL AND pid <> pg_backend_pid() AND datname <> %s GROUP BY datname"
    )
    output = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-Atc",
            query % f"'{ours}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return output.splitlines()


def wait_for_postgres(seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0:
            return
        time.sleep(0.5)
    sys.exit("PostgreSQL did not come back")


def server_errors(log_path: str) -> list[str]:
    """Django's "Internal Server Error" records in gunicorn's log, with their tracebacks."""
    try:
        lines = Path(log_path).read_text(errors="replace").splitlines()
    except OSError:
        return []
    record_start = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} |^\[\d{4}-")
    blocks, current = [], None
    for line in lines:
        if record_start.match(line):
            if current:
                blocks.append("\n".join(current))
            current = [line] if "Internal Server Error" in line else None
        elif current is not None:
            current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def _print_answers(answers) -> Counter:
    """The answers by kind, overall and by path; the counts by kind."""
    kinds = Counter()
    by_path = defaultdict(Counter)
    for a in answers:
        kind = a.outcome
        if a.outcome == "503":
            kind = "503 with Retry-After" if a.retry_after else "503 without Retry-After"
        kinds[kind] += 1
        by_path[a.path][kind] += 1
    columns = ["200", "503 with Retry-After", "503 without Retry-After", "500"]
    columns += sorted(k for k in kinds if k not in columns and k != "connection error")
    columns.append("connection error")
    print(f"\nanswers: {len(answers)}")
    for kind in columns:
        print(f"  {kind:<26} {kinds.get(kind, 0):>6}")
    short = {"503 with Retry-After": "503+RA", "503 without Retry-After": "503-noRA"}
    line = "{:<24}" + " {:>16}" * len(columns)
    print("\nby path")
    print(line.format("", *[short.get(c, c) for c in columns]))
    for path in PATHS:
        print(line.format(path, *[by_path[path].get(c, 0) for c in columns]))

    return kinds


def _print_recovery(answers, bad, timing) -> bool:
    """When the answers went bad and came back; whether they did."""
    retry_after = sorted({a.retry_after for a in answers if a.outcome == "503" and a.retry_after})
    if retry_after:
        print(f"\nRetry-After values on 503s: {', '.join(retry_after)} s")
    recovered = True
    if bad:
        last_bad = max(bad, key=lambda a: a.ended)
        first_bad = min(bad, key=lambda a: a.began)
        good_after = [a for a in answers if a.outcome == "200" and a.began >= last_bad.ended]
        print(
            f"non-200 answers from {first_bad.began:.1f} s to {last_bad.ended:.1f} s "
            f"(restart began at {timing['began']:.1f} s)"
        )
        if good_after:
            back = good_after[0].ended
            print(
                f"answers were 200 again at {back:.1f} s, {back - timing['began']:.1f} s after "
                f"the restart began, and stayed 200 ({len(good_after)} answers)"
            )
        else:
            recovered = False
            print("answers were NOT 200 again by the end")
    else:
        print("\nevery answer was 200: the restart went unnoticed")

    return recovered


def _verdict(bad, kinds, recovered, before, after) -> int:
    """The other failures, the row counts, the server's errors, then the verdict (the
    exit status)."""
    others = [a for a in bad if a.outcome not in ("503", "500")]
    for a in others[:10]:
        print(f"  {a.outcome} at {a.began:.1f} s: GET {a.path} {a.detail[:200]}")

    print("\nrows      before    after")
    for table in TABLES:
        mark = "" if before[table] == after[table] else "   CHANGED"
        print(f"  {table:<28} {before[table]:>7} {after[table]:>7}{mark}")

    errors = server_errors(os.environ.get("SIAM_GUNICORN_LOG", ""))
    if kinds.get("500") or errors:
        print(f"\n{kinds.get('500', 0)} answers were 500; from gunicorn's log:")
        for block in errors[:5]:
            print(block)
            print("-" * 60)

    reasons = [f"{kinds[kind]} {kind}" for kind in ("500", "connection error") if kinds.get(kind)]
    if not recovered:
        reasons.append("not 200 again by the end")
    if before != after:
        reasons.append("row counts changed")
    print(f"\nverdict: {'FAILED (' + ', '.join(reasons) + ')' if reasons else 'PASSED'}")
    return 1 if reasons else 0


def main() -> int:
    force = "--force" in sys.argv[1:]
    others = other_connections()
    if others and not force:
        print(
            f"Other databases are in use ({', '.join(others)}): restarting PostgreSQL would "
            "cut their connections. Try again later, or pass --force."
        )
        return 2
    base = os.environ.get("SIAM_BASE_URL")
    if not base:
        # Run again inside bench/_serve.sh: database, demo, gunicorn.
        command = [str(BENCH / "_serve.sh"), "--workers", "4", "--"]
        os.execv(
            command[0], [*command, sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]]
        )
    version = pg_version()
    sessions = [logged_in(base, username) for username in CLIENTS]
    before = row_counts()

    answers: list[Answer] = []
    lock = threading.Lock()
    timing: dict = {}
    start = time.monotonic()
    stop = start + DURATION
    threads = [
        threading.Thread(target=client, args=(base, s, i, start, stop, answers, lock))
        for i, s in enumerate(sessions)
    ]
    threads.append(threading.Thread(target=restart, args=(version, start, timing)))
    down: list[float] = []
    threads.append(threading.Thread(target=watch_postgres, args=(start, stop, down)))
    print(
        f"{len(CLIENTS)} clients for {DURATION:.0f} s against {base}; PostgreSQL {version} "
        f"restarted at {RESTART_AT:.0f} s",
        flush=True,
    )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait_for_postgres()
    after = row_counts()

    answers.sort(key=lambda a: a.ended)
    print(
        f"\npg_ctlcluster restart: {timing['began']:.1f} s -> {timing['ended']:.1f} s "
        f"(took {timing['ended'] - timing['began']:.1f} s, exit {timing['status']})"
    )
    if timing["status"] != 0:
        print(timing["output"])
    if down:
        print(f"pg_isready: not accepting connections from {down[0]:.1f} s to {down[-1]:.1f} s")

    kinds = _print_answers(answers)

    bad = [a for a in answers if a.outcome != "200"]
    recovered = _print_recovery(answers, bad, timing)

    return _verdict(bad, kinds, recovered, before, after)


if __name__ == "__main__":
    sys.exit(main())
