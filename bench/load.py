"""Load test (locust): the demo's users browsing, API clients and Jira posting webhooks.

    bench/load.sh                                   # everything: serve, load, report, tear down
    .venv/bin/python bench/load.py --serve          # the same
    .venv/bin/python bench/load.py --users 50 --duration 60   # against SIAM_BASE_URL
    .venv/bin/locust -f bench/load.py --headless -u 50 -r 10 -t 60s --reset-stats  # plain locust

Against an already running server, the environment must be the server's
(DATABASE_URL, SECRET_KEY): a setup step renews the demo Jira feed's secret and makes
API tokens (bench/_load_fixtures.py). ``--serve`` provides all that through
bench/_serve.sh: a fresh PostgreSQL database with the demo, gunicorn (4 workers,
DEBUG off) and a Celery worker that applies the webhooks.

Users (by weight, of 50: 40 / 5 / 5):

- Browser: logs in as a demo user (round robin over the seven), then, 1 to 3 s apart,
  the home page, the governance dashboard, lists, incident pages (ids from the API
  list, so each user's own) and API lists with its session;
- ApiClient: token authentication only, lists and incident details;
- TicketTool: Jira Cloud, signing each body (``X-Hub-Signature``): opens issues and
  moves them To Do -> In Progress -> Done.

Two phases, each reported: *signing in* — users arrive at ``--spawn-rate`` and the
browsers log in (a password hash each, ~0.25 s of CPU by design: a burst of logins is
CPU-bound on two cores) — then the measured ``--duration``, all users signed in and
working concurrently. Target: no failed request in either phase, and p95 under 500 ms
over the measured phase. The summary lists every failed request with its exact URL,
then the verdicts; the exit status is 1 when the target is missed.
"""

import argparse
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, between, events, task

BENCH = Path(__file__).resolve().parent
DEMO_USERS = ("john", "elaine", "sophie", "maria", "david", "marco", "olivia")
PASSWORD = "siam-demo-2026"
LISTS = (
    "/slas/incidents/",
    "/siam/contracts/",
    "/raci/matrices/",
    "/requirements/requirements/",
    "/governance/actions/",
)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TARGET_P95_MS = 500

#: Filled by prepare(): the webhook path and its secret, API tokens by username.
FIXTURES: dict = {}
#: Failed requests by (method, exact URL, error): grouped names hide which id failed.
FAILURES: Counter = Counter()
#: (start, milliseconds) of every request: how latency moved during the run.
SAMPLES: list[tuple[float, float]] = []
WINDOW_SECONDS = 10
_user_numbers = itertools.count()
_ticket_numbers = itertools.count(1)
_changelog_ids = itertools.count(40001)


def prepare() -> None:
    if FIXTURES:
        return
    result = subprocess.run(
        [sys.executable, str(BENCH / "_load_fixtures.py"), "setup"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(
            "Setup failed; run with --serve, or with the server's DATABASE_URL and "
            f"SECRET_KEY in the environment.\n{result.stderr}"
        )
    FIXTURES.update(json.loads(result.stdout))


def incident_ids(client, **kwargs) -> list[int]:
    """The first API page (50): the incidents this user's detail pages are picked from."""
    with client.get(
        "/api/slas/incidents/", name="/api/slas/incidents/", catch_response=True, **kwargs
    ) as response:
        if response.status_code != 200:
            response.failure(f"status {response.status_code}")
            return []
        return [row["id"] for row in response.json()["results"]]


class Browser(FastHttpUser):
    host = os.environ.get("SIAM_BASE_URL")
    weight = 8
    wait_time = between(1, 3)

    def on_start(self):
        self.username = DEMO_USERS[next(_user_numbers) % len(DEMO_USERS)]
        page = self.client.get("/login/", name="/login/")
        token = CSRF_FIELD.search(page.text or "")
        with self.client.post(
            "/login/",
            name="/login/",
            data=urlencode(
                {
                    "username": self.username,
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                }
            ),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            catch_response=True,
        ) as response:
            # A refused login answers the form again, 200: only the redirect home counts.
            if response.status_code != 200 or 'name="password"' in (response.text or ""):
                response.failure(f"login as {self.username} refused")
        self.incidents = incident_ids(self.client)

    @task(3)
    def home(self):
        self.client.get("/", name="/")

    @task(2)
    def dashboard(self):
        self.client.get("/governance/", name="/governance/")

    @task(6)
    def a_list(self):
        path = random.choice(LISTS)
        self.client.get(path, name=path)

    @task(3)
    def incident(self):
        if self.incidents:
            pk = random.choice(self.incidents)
            self.client.get(f"/slas/incidents/{pk}/", name="/slas/incidents/[id]/")

    @task(2)
    def api_incidents(self):
        self.incidents = incident_ids(self.client) or self.incidents

    @task(1)
    def api_ecosystems(self):
        self.client.get("/api/siam/ecosystems/", name="/api/siam/ecosystems/")


class ApiClient(FastHttpUser):
    host = os.environ.get("SIAM_BASE_URL")
    weight = 1
    wait_time = between(0.5, 2)

    def on_start(self):
        prepare()
        key = random.choice(sorted(FIXTURES["tokens"].values()))
        self.auth = {"Authorization": f"Token {key}", "Accept": "application/json"}
        self.incidents = incident_ids(self.client, headers=self.auth)

    @task(3)
    def incidents_list(self):
        self.incidents = incident_ids(self.client, headers=self.auth) or self.incidents

    @task(2)
    def incident(self):
        if self.incidents:
            pk = random.choice(self.incidents)
            self.client.get(
                f"/api/slas/incidents/{pk}/", name="/api/slas/incidents/[id]/", headers=self.auth
            )

    @task(1)
    def ecosystems(self):
        self.client.get("/api/siam/ecosystems/", name="/api/siam/ecosystems/", headers=self.auth)


class TicketTool(FastHttpUser):
    """Jira Cloud: each issue is opened, then moved along its workflow."""

    host = os.environ.get("SIAM_BASE_URL")
    weight = 1
    wait_time = between(0.5, 2)
    WORKFLOW = ("In Progress", "Done")

    def on_start(self):
        prepare()
        self.issue = None

    def post(self, body: dict, name: str):
        raw = json.dumps(body).encode()
        signature = (
            "sha256=" + hmac.new(FIXTURES["secret"].encode(), raw, hashlib.sha256).hexdigest()
        )
        headers = {"Content-Type": "application/json", "X-Hub-Signature": signature}
        with self.client.post(
            FIXTURES["hook"], data=raw, headers=headers, name=name, catch_response=True
        ) as response:
            if response.status_code not in (200, 202):
                response.failure(f"status {response.status_code}: {(response.text or '')[:200]}")

    @task
    def send(self):
        now = datetime.now(UTC)
        millis = int(now.timestamp() * 1000)
        if self.issue is None or self.issue["step"] == len(self.WORKFLOW):
            number = next(_ticket_numbers)
            self.issue = {
                "step": 0,
                "key": f"LOAD-{number}",
                "id": str(900000 + number),
                "fields": {
                    "summary": f"Checkout slow for customers (load test {number})",
                    "created": now.isoformat(),
                    "status": {"name": "To Do"},
                    "priority": {"name": random.choice(("High", "Medium", "Low"))},
                    "issuetype": {"name": "Bug"},
                },
            }
            body = {"timestamp": millis, "webhookEvent": "jira:issue_created"}
            name = "/integrations/hooks/[feed]/ issue_created"
        else:
            status = self.WORKFLOW[self.issue["step"]]
            self.issue["step"] += 1
            body = {
                "timestamp": millis,
                "webhookEvent": "jira:issue_updated",
                "changelog": {
                    "id": str(next(_changelog_ids)),
                    "items": [{"field": "status", "toString": status}],
                },
            }
            name = "/integrations/hooks/[feed]/ issue_updated"
        issue = {k: v for k, v in self.issue.items() if k != "step"}
        self.post({**body, "issue": issue}, name)


@events.init.add_listener
def _on_init(environment, **_):
    prepare()


@events.request.add_listener
def _on_request(
    request_type, response_time=0, start_time=None, exception=None, url=None, name=None, **_
):
    SAMPLES.append((start_time or time.time(), response_time or 0))
    if exception is not None:
        FAILURES[(request_type, url or name, str(exception)[:300])] += 1


@events.test_stop.add_listener
def _on_test_stop(environment, **_):
    # Under the locust command only: main() reports itself, after the webhooks' outcome.
    if environment.parsed_options is None:
        return
    met, verdict = report(environment.stats)
    print(f"\n{verdict}", flush=True)
    if not met:
        environment.process_exit_code = 1


def _ms(entry, share: float) -> str:
    return f"{entry.get_response_time_percentile(share):.0f}" if entry.num_requests else "-"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(stats) -> tuple[bool, str]:
    """Print the figures; whether the target was met, and the verdict to print."""
    line = "{:<40} {:>7} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7}"
    print()
    print(line.format("request", "count", "fails", "p50", "p95", "p99", "mean", "max"))
    rows = sorted(stats.entries.values(), key=lambda e: (e.method != "GET", e.method, e.name))
    for entry in [*rows, stats.total]:
        label = "TOTAL" if entry is stats.total else f"{entry.method} {entry.name}"
        print(
            line.format(
                label[:40],
                entry.num_requests,
                entry.num_failures,
                _ms(entry, 0.50),
                _ms(entry, 0.95),
                _ms(entry, 0.99),
                f"{entry.avg_response_time:.0f}" if entry.num_requests else "-",
                f"{entry.max_response_time or 0:.0f}",
            )
        )
    total = stats.total
    seconds = max(total.last_request_timestamp - total.start_time, 1) if total.num_requests else 1
    print(f"(milliseconds; {total.num_requests / seconds:.1f} requests/s over {seconds:.0f} s)")
    if SAMPLES:
        began = min(at for at, _ in SAMPLES)
        windows: dict[int, list[float]] = {}
        for at, ms in SAMPLES:
            windows.setdefault(int((at - began) // WINDOW_SECONDS), []).append(ms)
        print(f"p95 by {WINDOW_SECONDS} s window (ms):")
        print(
            "  "
            + " | ".join(
                f"{n * WINDOW_SECONDS}-{(n + 1) * WINDOW_SECONDS} s: {percentile(times, 0.95):.0f}"
                for n, times in sorted(windows.items())
            )
        )
    if FAILURES:
        print("\nFailed requests (method, exact URL, error: times):")
        for (method, url, error), times in FAILURES.most_common(30):
            print(f"  {method} {url}  {error}: {times}")
    p95 = total.get_response_time_percentile(0.95) if total.num_requests else float("inf")
    met = total.num_requests > 0 and total.num_failures == 0 and p95 < TARGET_P95_MS
    verdict = (
        f"Target 0 errors, p95 < {TARGET_P95_MS} ms: {'MET' if met else 'MISSED'} "
        f"({total.num_failures} errors, p95 {p95:.0f} ms)"
    )
    return met, verdict


def webhook_outcome() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH / "_load_fixtures.py"), "report"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(f"Could not read the webhooks' outcome:\n{result.stderr}")
        return
    outcome = json.loads(result.stdout)
    states = ", ".join(f"{n} {state}" for state, n in sorted(outcome["states"].items()))
    print(
        f"\nWebhook events after the run (Celery worker; waited {outcome['waited_seconds']} s): "
        f"{states or 'none'}"
    )
    for key, error in outcome["failed_examples"]:
        print(f"  failed {key}: {error}")


def cpu_seconds() -> dict[int, tuple[str, float]]:
    """CPU time used so far by each process on the machine, with its role in the test."""
    import psutil  # comes with locust

    me = os.getpid()
    database = os.environ.get("DATABASE_URL", "").rpartition("/")[2] or "?"
    seconds = {}
    for process in psutil.process_iter(["name", "cmdline", "cpu_times"]):
        info = process.info
        if info["cpu_times"] is None:
            continue
        command = " ".join(info["cmdline"] or [])
        if process.pid == me:
            role = "load generator"
        elif "gunicorn" in command:
            role = "gunicorn"
        elif "celery" in command:
            role = "celery worker"
        elif (info["name"] or "").startswith("postgres"):
            # Backends name their database; the rest (checkpointer, WAL writer) serve all.
            role = "postgresql" if database in command else "postgresql, other work"
        else:
            role = f"other: {(info['name'] or '?')[:20]}"
        seconds[process.pid] = (role, info["cpu_times"].user + info["cpu_times"].system)
    return seconds


def cpu_share(before: dict, after: dict, wall: float) -> str:
    used = Counter()
    for pid, (role, total) in after.items():
        used[role] += total - before.get(pid, (role, 0.0))[1]
    parts = ", ".join(f"{role} {sec:.0f}" for role, sec in used.most_common() if sec >= 0.5)
    return f"CPU seconds used in {wall:.0f} s on {os.cpu_count()} cores: {parts}"


def serve(argv: list[str]) -> None:
    """Run this script again inside bench/_serve.sh (database, gunicorn, worker)."""
    args = [a for a in argv if a != "--serve"]
    command = [str(BENCH / "_serve.sh"), "--workers", "4", "--celery", "--"]
    os.execv(command[0], [*command, sys.executable, str(Path(__file__).resolve()), *args])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", help="start everything via _serve.sh")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=float, default=60, help="seconds")
    parser.add_argument("--host", default=os.environ.get("SIAM_BASE_URL"))
    options = parser.parse_args()
    if options.serve:
        serve(sys.argv[1:])
    if not options.host:
        sys.exit("No server: pass --serve, or --host (or SIAM_BASE_URL) with its environment.")

    import gevent
    from locust.env import Environment

    prepare()
    environment = Environment(
        user_classes=[Browser, ApiClient, TicketTool], host=options.host, events=events
    )
    runner = environment.create_local_runner()
    print(
        f"{options.users} users ({options.spawn_rate:g}/s) for {options.duration:g} s "
        f"against {options.host}",
        flush=True,
    )
    # Phase 1, signing in: every user arrives (spawn rate) and the browsers log in. Each
    # login costs a password hash (~0.25 s of CPU by design), so this burst is reported
    # on its own; its errors still count against the target.
    began = time.monotonic()
    runner.start(options.users, spawn_rate=options.spawn_rate)
    signed_in = wait_until_signed_in(environment, runner, options.users)
    print(f"\n== Signing in ({time.monotonic() - began:.1f} s, {signed_in} logins) ==")
    _, sign_in_verdict = report(environment.stats)
    sign_in_errors = environment.stats.total.num_failures
    environment.stats.reset_all()
    SAMPLES.clear()

    # Phase 2, the measured minute: all users signed in and working concurrently.
    cpu_before = cpu_seconds()
    measured_from = time.monotonic()
    gevent.spawn_later(options.duration, runner.quit)
    runner.greenlet.join()
    print(f"\n== {options.users} users signed in, working for {options.duration:g} s ==")
    # Server, database and load generator share the cores, and so does anything else
    # running: the split says whether the figures are the app's.
    print(cpu_share(cpu_before, cpu_seconds(), time.monotonic() - measured_from))
    met, verdict = report(environment.stats)
    webhook_outcome()
    if sign_in_errors:
        met = False
    print(f"\nSigning in: {sign_in_verdict.split(': ', 1)[1]}")
    print(f"{verdict}{f'; {sign_in_errors} errors while signing in' if sign_in_errors else ''}")
    sys.exit(0 if met else 1)


def wait_until_signed_in(environment, runner, users: int, limit: float = 120) -> int:
    import gevent

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        browsers = runner.user_classes_count.get("Browser", 0)
        logins = environment.stats.get("/login/", "POST").num_requests
        if runner.user_count >= users and logins >= browsers:
            return logins
        gevent.sleep(0.2)
    return environment.stats.get("/login/", "POST").num_requests


if __name__ == "__main__":
    main()
