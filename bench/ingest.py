"""Ticket import benchmark (not a test): prints figures.

    .venv/bin/python bench/ingest.py --rows 120000

Generates a ServiceNow incident audit export of ``--rows`` rows (about five per
incident, 70 assignment groups), imports it into a feed with
``integrations.importers.import_path`` — the code behind ``manage.py import_tickets``
and the upload form — and reports rows per second and the process's resident memory
after each quarter of the file (flat: the file is streamed and applied in batches).
Then imports the same file again, which must change nothing.

Runs on a throwaway SQLite database in var/ unless DATABASE_URL is set.
"""

import argparse
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path

from _setup import django_on_scratch_database


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def build_feed():
    from datetime import date

    from integrations.choices import AuthMethodChoices, UnknownGroupChoices
    from integrations.dictionaries import standard_flow
    from integrations.models import TicketFeed
    from siam.choices import ContractKindChoices, ContractStatusChoices, SystemKindChoices
    from siam.models import ConnectedSystem, Contract, Ecosystem, Organisation, Service
    from slas.choices import IncidentStatusChoices as S
    from slas.models import BusinessCalendar, PriorityMatrix, ServiceLevelTarget, WorkingPeriod

    customer = Organisation.objects.create(name="Bench customer", slug="bench-customer")
    integrator = Organisation.objects.create(name="Bench integrator", slug="bench-integrator")
    eco = Ecosystem.objects.create(
        name="Bench", slug="bench", customer=customer, integrator=integrator
    )
    PriorityMatrix.objects.create(ecosystem=eco)
    service = Service.objects.create(ecosystem=eco, name="Everything")
    calendar = BusinessCalendar.objects.create(
        ecosystem=eco, name="Office", time_zone="Europe/Amsterdam"
    )
    WorkingPeriod.objects.bulk_create(
        [WorkingPeriod(calendar=calendar, weekday=d, start="08:00", end="18:00") for d in range(5)]
    )
    sla = Contract.objects.create(
        ecosystem=eco,
        kind=ContractKindChoices.SLA,
        reference="SLA-B",
        name="End to end",
        supplier=integrator,
        consumer=customer,
        status=ContractStatusChoices.ACTIVE,
        start_date=date(2026, 1, 1),
    )
    pauses = [S.AWAITING_USER_INFO, S.AWAITING_VENDOR, S.AWAITING_PROBLEM, S.AWAITING_EVIDENCE]
    for priority, response, resolution in (
        ("P1", 15, 240),
        ("P2", 30, 480),
        ("P3", 60, 1440),
        ("P4", 240, 2880),
        ("P5", 480, 4800),
    ):
        ServiceLevelTarget.objects.create(
            contract=sla,
            priority=priority,
            response_minutes=response,
            resolution_minutes=resolution,
            calendar=calendar,
            pause_states=pauses,
        )
    system = ConnectedSystem.objects.create(
        ecosystem=eco,
        organisation=integrator,
        name="Bench ServiceNow",
        kind=SystemKindChoices.SERVICENOW,
    )
    feed = TicketFeed(
        ecosystem=eco,
        system=system,
        auth_method=AuthMethodChoices.TOKEN,
        flow=standard_flow(system),
        service=service,
        time_zone="Europe/Amsterdam",
        unknown_groups=UnknownGroupChoices.CREATE,
    )
    feed.set_secret()
    feed.save()
    return feed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=120000)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument(
        "--spread-days", type=int, default=5 * 365, help="tickets opened over this many days"
    )
    args = parser.parse_args()
    django_on_scratch_database("bench-ingest")
    from django.conf import settings

    # As in production: with DEBUG on, Django keeps (and formats) every query's SQL,
    # which costs time and memory that a real worker does not spend.
    settings.DEBUG = False

    from integrations.importers import import_path
    from integrations.models import ImportRun
    from integrations.samples import write_servicenow_csv
    from slas.models import Incident, IncidentEvent, IncidentSla

    feed = build_feed()
    path = Path(tempfile.mkdtemp()) / "incident_event_log.csv"
    started = time.perf_counter()
    # Real exports hold tickets opened up to five years before the export.
    write_servicenow_csv(
        path, args.rows, start=datetime(2021, 12, 1, 8, 0), spread_days=args.spread_days
    )
    print(
        f"generated {args.rows} rows ({path.stat().st_size / 2**20:.1f} MB) in {time.perf_counter() - started:.1f} s"
    )

    def run(label):
        record = ImportRun.objects.create(
            ecosystem=feed.ecosystem,
            feed=feed,
            format="servicenow",
            file_name=path.name,
            unknown_groups="create",
        )
        done, marks, quarter = 0, [], max(args.rows // 4, 1)

        def progress(count):
            nonlocal done
            before = done
            done += count
            if done // quarter > before // quarter:
                marks.append((done, rss_mb()))

        started = time.perf_counter()
        import_path(record, path, batch_rows=args.batch, progress=progress)
        elapsed = time.perf_counter() - started
        print(
            f"{label}: {record.rows_read} rows in {elapsed:.1f} s = {record.rows_read / elapsed:,.0f} rows/s; "
            f"{record.events_applied} events applied, {record.events_unchanged} already there, "
            f"{record.incidents_created} incidents created, {record.incidents_updated} updated, "
            f"{record.rows_rejected} rejected"
        )
        print("  resident memory after " + ", ".join(f"{n:,} rows: {mb:.0f} MB" for n, mb in marks))
        return record

    rss_start = rss_mb()
    print(f"resident memory before the import: {rss_start:.0f} MB")
    run("import")
    counts = (Incident.objects.count(), IncidentEvent.objects.count(), IncidentSla.objects.count())
    print(
        f"stored: {counts[0]:,} incidents, {counts[1]:,} timeline events, {counts[2]:,} SLA clocks"
    )
    run("re-import")
    after = (Incident.objects.count(), IncidentEvent.objects.count(), IncidentSla.objects.count())
    print(
        "re-import changed nothing" if after == counts else f"re-import CHANGED the counts: {after}"
    )
    path.unlink()


if __name__ == "__main__":
    main()
