"""The scale benchmark (not a test): one table, every figure beside its floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/siam_gen_1000000 \\
        .venv/bin/python bench/scale.py [--runs 15]

Run on a PostgreSQL database filled by ``manage.py generate_data --incidents N`` (which
ends with ``VACUUM ANALYZE``). Everything is measured side by side in this one run:

- the calendar (spans/s at 2 days, 1 year, 5 years, against businesstimedelta) and the
  SLA clock (evaluations/s on realistic clocks, against a minute-stepping reference);
- recompute of stored SLA state (incidents/s), set-based writes against the former
  ``bulk_update`` of every row;
- the import of a ServiceNow audit export whose tickets are up to five years old,
  against the same export with tickets opened in the last two months;
- the breach scan recording an hour of crossings, against hand-written SQL;
- p50 / p95 server time (Django's test client, whole response) and query count of the
  main pages and API lists, as the integrator's administrator and as a provider's
  user; the incident list against the hand-written SQL of the same page;
- the steering snapshot and PDF of last month; the database size per 100,000 incidents.

Writes made to measure (recompute, import, scan) are rolled back, except the
recompute's, which stores what a repair would.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from _setup import queries_of, timed  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, F  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.keyset import Keyset  # noqa: E402
from siam.choices import MembershipRoleChoices  # noqa: E402
from siam.models import Ecosystem, Membership  # noqa: E402
from slas.models import Incident, IncidentSla, SlaAlert  # noqa: E402

TARGET_PAGE_P95_MS = 150


class Rollback(Exception):
    pass


def rolled_back(fn):
    """Run ``fn`` in a transaction that is undone; returns its result."""
    result = []
    try:
        with transaction.atomic():
            result.append(fn())
            raise Rollback
    except Rollback:
        pass
    return result[0]


class Table:
    def __init__(self):
        self.rows = []

    def add(self, what, figure, floor="", ratio="", verdict=""):
        self.rows.append((what, figure, floor, ratio, verdict))
        print(f"  {what}: {figure} | {floor} | {ratio} | {verdict}", flush=True)

    def markdown(self):
        lines = ["| what | figure | floor / peer | ratio | target |", "|---|---|---|---|---|"]
        lines += [f"| {' | '.join(str(c) for c in row)} |" for row in self.rows]
        return "\n".join(lines)


def met(ok: bool, target: str) -> str:
    return f"{target}: {'met' if ok else '**missed**'}"


def calendar_and_clock(table, spans, clocks):
    import calendar_spans
    import clock

    rows = calendar_spans.measure(spans)
    by_size = {label: fast for label, fast, *_ in rows}
    for label, fast, _walked, peer, _advance in rows:
        table.add(
            f"calendar working time, {label} spans",
            f"{fast:,.0f} spans/s",
            f"businesstimedelta {peer:,.0f}/s",
            f"{fast / peer:,.0f}x",
            met(fast / peer >= 20, "≥ 20x"),
        )
    flat = by_size["2 days"] / by_size["5 years"]
    table.add("calendar, 2-day / 5-year spans/s", f"{flat:.2f}", "", "", met(flat <= 1.5, "≤ 1.5"))
    m = clock.measure(clocks)
    table.add(
        f"SLA clock, {m['clocks']:,} realistic clocks (1 day – 5 years old)",
        f"{m['all_rate']:,.0f} evaluations/s",
        f"minute-stepping reference {m['reference_rate']:,.0f}/s",
        f"{m['all_rate'] / m['reference_rate']:,.0f}x",
        met(m["all_rate"] >= 50_000, "≥ 50,000/s")
        + "; "
        + met(m["all_rate"] / m["reference_rate"] >= 100, "≥ 100x"),
    )
    table.add(
        "SLA calendar laid out over five years (once per calendar and worker)",
        f"{m['lay_out_ms']:.0f} ms",
        "",
        "",
        "",
    )
    table.add(
        "SLA clock, new (≤ 30 days) / old (≥ 1 year) clocks",
        f"{m['new_rate']:,.0f} / {m['old_rate']:,.0f} per s",
        "",
        f"{m['new_rate'] / m['old_rate']:.2f}",
        "age costs nothing",
    )


def recompute(table, sample_size):
    from core import bulk
    from slas import clocks

    ids = list(Incident.objects.order_by("?").values_list("pk", flat=True)[: sample_size * 2])
    fast_ids, naive_ids = sorted(ids[:sample_size]), sorted(ids[sample_size:])

    def run(batch_ids):
        started = time.perf_counter()
        for start in range(0, len(batch_ids), 500):
            clocks.recompute_incidents(batch_ids[start : start + 500])
        return len(batch_ids) / (time.perf_counter() - started)

    fast = run(fast_ids)
    # What repair_sla does: every incident in id order, 500 at a time (a repair of a
    # million incidents reads the timelines in the order they were written).
    first = Incident.objects.order_by("pk").values_list("pk", flat=True)[
        Incident.objects.count() // 3
    ]
    consecutive = list(
        Incident.objects.filter(pk__gte=first)
        .order_by("pk")
        .values_list("pk", flat=True)[: sample_size * 3]
    )
    in_order = run(consecutive)
    # The former write: every clock written back with bulk_update, changed or not.
    real_update, real_changed = clocks.update_rows, clocks._changed
    clocks.update_rows = lambda model, rows, fields: model.objects.bulk_update(
        rows, fields, batch_size=1000
    )
    clocks._changed = lambda stored, figures: True
    try:
        naive = rolled_back(lambda: run(naive_ids))
    finally:
        clocks.update_rows, clocks._changed = real_update, real_changed
    assert bulk.update_rows is real_update
    table.add(
        f"recompute of stored SLA state ({sample_size:,} random incidents)",
        f"{fast:,.0f} incidents/s",
        f"bulk_update of every row {naive:,.0f}/s",
        f"{fast / naive:.1f}x",
        met(fast >= 3000, "≥ 3,000/s") + " (scattered reads: the worst case)",
    )
    table.add(
        f"repair in id order ({len(consecutive):,} consecutive incidents, as repair_sla)",
        f"{in_order:,.0f} incidents/s",
        f"random incidents {fast:,.0f}/s",
        f"{in_order / fast:.1f}x",
        met(in_order >= 3000, "≥ 3,000/s") + f" (a million in {1_000_000 / in_order / 60:.0f} min)",
    )
    # The recompute stored new figures and marked the months of those incidents stale;
    # the beat task rebuilds them within ten minutes. The pages are measured after it,
    # as users would see them, and the rebuild itself is a figure.
    from slas import rollups
    from slas.models import SlaRollupMonth

    stale = SlaRollupMonth.objects.exclude(built_version=F("version")).count()
    started = time.perf_counter()
    rebuilt = rollups.refresh()
    seconds = time.perf_counter() - started
    table.add(
        "roll-up refresh after the recompute (the ten-minute beat task)",
        f"{rebuilt} months rebuilt in {seconds:.1f} s",
        f"{stale} months marked stale",
        "",
        "",
    )


def import_rows(table, rows):
    from ingest import build_feed

    from integrations.importers import import_path
    from integrations.models import ImportRun
    from integrations.samples import write_servicenow_csv

    folder = Path(tempfile.mkdtemp())
    old, new = folder / "old.csv", folder / "new.csv"
    # A real export: tickets opened up to five years before it was taken.
    write_servicenow_csv(old, rows, start=datetime(2021, 12, 1, 8), spread_days=5 * 365)
    write_servicenow_csv(new, rows, start=datetime(2026, 9, 1, 8), spread_days=60)

    def run(path):
        feed = build_feed()
        record = ImportRun.objects.create(
            ecosystem=feed.ecosystem,
            feed=feed,
            format="servicenow",
            file_name=path.name,
            unknown_groups="create",
        )
        started = time.perf_counter()
        import_path(record, path, batch_rows=2000)
        assert record.rows_read == rows and record.rows_rejected == 0, record.error
        return rows / (time.perf_counter() - started)

    real = rolled_back(lambda: run(old))
    synthetic = rolled_back(lambda: run(new))
    table.add(
        f"import of a ServiceNow audit export ({rows:,} rows, tickets up to 5 years old)",
        f"{real:,.0f} rows/s",
        f"same export, tickets ≤ 2 months old {synthetic:,.0f}/s",
        f"{synthetic / real:.2f}",
        met(real >= 2000, "≥ 2,000/s"),
    )


FLOOR_SCAN = """
WITH m AS (
    UPDATE {sla} SET {recorded} = {deadline}{extra}
    WHERE {deadline} <= %(now)s AND {recorded} IS NULL
    RETURNING id, {deadline}
)
INSERT INTO {alert} (incident_sla_id, level, crossed_at, recorded_at)
SELECT id, %(level)s, {deadline}, now() FROM m
ON CONFLICT (incident_sla_id, level) DO NOTHING
"""


def breach_scan(table, runs):
    from slas import crossings
    from slas.choices import AlertLevelChoices

    moment = timezone.now() + timedelta(hours=1)
    counted = {}

    def ours():
        counted["alerts"] = len(crossings.record_crossings(at=moment, recompute_breached=False))

    def floor():
        sla, alert = IncidentSla._meta.db_table, SlaAlert._meta.db_table
        with connection.cursor() as cursor:
            for level, deadline, recorded, extra in (
                (AlertLevelChoices.WARNING_1, "warning_1_at", "warning_1_recorded_at", ""),
                (AlertLevelChoices.WARNING_2, "warning_2_at", "warning_2_recorded_at", ""),
                (
                    AlertLevelChoices.BREACH,
                    "breach_at",
                    "breach_recorded_at",
                    ", state = 'breached'",
                ),
            ):
                cursor.execute(
                    FLOOR_SCAN.format(
                        sla=sla, alert=alert, recorded=recorded, deadline=deadline, extra=extra
                    ),
                    {"now": moment, "level": level},
                )

    ours_p50, _ = timed(lambda: rolled_back(ours), runs)
    floor_p50, _ = timed(lambda: rolled_back(floor), runs)
    # Two of the statements are the scan's own savepoint and its release.
    statements = queries_of(lambda: rolled_back(ours)) - 2
    table.add(
        f"breach scan recording the next hour's crossings ({counted['alerts']:,} alerts)",
        f"{ours_p50:.1f} ms, {statements} queries",
        f"hand-written SQL {floor_p50:.1f} ms",
        f"{ours_p50 / floor_p50:.2f}x",
        met(ours_p50 <= 1.5 * floor_p50, "≤ 1.5x"),
    )


def bench_user(name, organisation, role):
    user, _ = get_user_model().objects.get_or_create(username=name)
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": role})
    client = Client()
    client.force_login(user)
    return user, client


def due_order():
    # The incident list's default order (slas.tables.IncidentTable.order_next_due_at).
    return (F("next_due_at").asc(nulls_last=True), "-opened_at", "-pk")


def deep_cursor(user, ordering, from_end=200):
    """The cursor of the row ``from_end`` rows before the end of what ``user`` sees."""
    rows = Incident.objects.restrict(user, "view").order_by(*ordering)
    keyset = Keyset.of(rows)
    total = rows.count()
    row = keyset.ordered(rows)[max(total - from_end, 0)]
    return keyset.cursor(row), max(total - from_end, 0)


def pages(table, ecosystem, runs):
    provider_id = (
        Incident.objects.filter(ecosystem=ecosystem)
        .exclude(holder_id=ecosystem.integrator_id)
        .exclude(holder_id=None)
        .values("holder_id")
        .annotate(n=Count("id"))
        .order_by("-n")[0]["holder_id"]
    )
    from siam.models import Organisation

    provider = Organisation.objects.get(pk=provider_id)
    users = {
        "integrator": bench_user(
            "bench-integrator", ecosystem.integrator, MembershipRoleChoices.ADMIN
        ),
        "provider": bench_user("bench-provider", provider, MembershipRoleChoices.EDITOR),
    }
    old = (
        Incident.objects.filter(
            ecosystem=ecosystem, opened_at__lt=timezone.now() - timedelta(days=3 * 365)
        )
        .annotate(n=Count("events"))
        .order_by("-n")
        .first()
    )
    held = (
        Incident.objects.filter(ecosystem=ecosystem, holders=provider)
        .order_by("-opened_at")
        .first()
    )
    for who, (user, client) in users.items():
        list_cursor, list_depth = deep_cursor(user, due_order())
        api_cursor, api_depth = deep_cursor(user, ("-opened_at", "-pk"))
        deep_page = list_depth // 25 + 1
        incident = old if who == "integrator" else held
        targets = [
            ("home page", "/", {}),
            ("incident list, by due, page 1", "/slas/incidents/", {"sort": "next_due_at"}),
            (f"incident list, by due, {list_depth:,} rows deep (cursor)", "/slas/incidents/", {"sort": "next_due_at", "after": list_cursor}),
            (f"incident list, by due, page {deep_page:,} (offset, the former pages)", "/slas/incidents/", {"sort": "next_due_at", "page": deep_page}),
            ("incident detail", f"/slas/incidents/{incident.pk}/", {}),
            ("SLA report (last 12 months)", "/slas/report/", {}),
            ("SLA report (all history)", "/slas/report/", {"opened_from": ""}),
            ("governance dashboard", f"/governance/ecosystems/{ecosystem.pk}/dashboard/", {}),
            ("API incident list, first 50", "/api/slas/incidents/", {}),
            (f"API incident list, {api_depth:,} rows deep (cursor)", "/api/slas/incidents/", {"cursor": f"n.{api_cursor}"}),
            (f"API incident list, offset {api_depth:,} (the former pages)", "/api/slas/incidents/", {"offset": api_depth}),
        ]  # fmt: skip
        for label, url, params in targets:
            response = client.get(url, params)
            if response.status_code != 200:
                table.add(f"{label} ({who})", f"HTTP {response.status_code}")
                continue
            queries = queries_of(lambda c=client, u=url, p=params: c.get(u, p))
            p50, p95 = timed(lambda c=client, u=url, p=params: c.get(u, p), runs)
            floor = ratio = ""
            if label.startswith(("SLA report", "governance dashboard")):
                # Side by side: the same page summing every clock (no stored months).
                with override_settings(SIAM_SLA_ROLLUPS=False):
                    live50, live95 = timed(lambda c=client, u=url, p=params: c.get(u, p), runs)
                floor = f"from the clocks: p50 {live50:.0f} ms, p95 {live95:.0f} ms"
                ratio = f"x{live50 / p50:.1f} faster"
            table.add(
                f"{label} ({who})",
                f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, {queries} queries",
                floor,
                ratio,
                met(p95 <= TARGET_PAGE_P95_MS, f"p95 ≤ {TARGET_PAGE_P95_MS} ms"),
            )
        if who == "integrator":
            incident_list_floor(table, ecosystem, runs, client, list_cursor)


KEYSET_FLOOR = """
SELECT id, reference, title, priority, status, sla_state, next_due_at, opened_at
FROM {incident}
WHERE ecosystem_id = %(ecosystem)s AND (
    (%(due)s::timestamptz IS NOT NULL AND (next_due_at > %(due)s OR next_due_at IS NULL))
    OR (next_due_at IS NOT DISTINCT FROM %(due)s AND (opened_at, id) < (%(opened)s, %(id)s))
)
ORDER BY next_due_at ASC NULLS LAST, opened_at DESC, id DESC LIMIT 25
"""


def incident_list_floor(table, ecosystem, runs, client, cursor):
    """The list page against the SQL it cannot do without: its rows and a bounded count."""
    incident = Incident._meta.db_table
    due, opened, pk = Keyset.of(Incident.objects.order_by(*due_order())).decode(cursor)

    def floor(keyset):
        with connection.cursor() as sql:
            if keyset:
                sql.execute(
                    KEYSET_FLOOR.format(incident=incident),
                    {"ecosystem": ecosystem.pk, "due": due, "opened": opened, "id": pk},
                )
            else:
                sql.execute(
                    f"SELECT id, reference, title, priority, status, sla_state, next_due_at, opened_at "
                    f"FROM {incident} WHERE ecosystem_id = %s "
                    "ORDER BY next_due_at ASC NULLS LAST, opened_at DESC, id DESC LIMIT 25",
                    [ecosystem.pk],
                )
            sql.fetchall()
            sql.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {incident} WHERE ecosystem_id = %s LIMIT 10001) t",
                [ecosystem.pk],
            )

    for label, params, keyset in (
        ("page 1", {"sort": "next_due_at"}, False),
        ("deep page (cursor)", {"sort": "next_due_at", "after": cursor}, True),
    ):
        page_p50, _ = timed(lambda p=params: client.get("/slas/incidents/", p), runs)
        floor_p50, _ = timed(lambda k=keyset: floor(k), runs)
        table.add(
            f"incident list {label} (integrator) against its SQL",
            f"{page_p50:.0f} ms",
            f"hand-written SQL (rows + bounded count) {floor_p50:.1f} ms",
            f"{page_p50 / floor_p50:.0f}x",
            f"{page_p50 - floor_p50:.0f} ms of Python (table, filters, layout)",
        )


def steering(table, ecosystem):
    from governance import steering as steering_module

    today = timezone.now().date()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    start, end = steering_module.period_for(month)
    started = time.perf_counter()
    snap = steering_module.snapshot(ecosystem, start, end)
    snap_s = time.perf_counter() - started
    with override_settings(SIAM_SLA_ROLLUPS=False):
        started = time.perf_counter()
        steering_module.snapshot(ecosystem, start, end)
        live_s = time.perf_counter() - started
    started = time.perf_counter()
    pdf = steering_module.render(snap)
    pdf_s = time.perf_counter() - started
    assert pdf[:4] == b"%PDF"
    table.add(
        f"steering snapshot + PDF ({month:%B %Y})",
        f"{snap_s:.2f} s + {pdf_s:.2f} s",
        f"snapshot from the clocks: {live_s:.2f} s",
        f"x{live_s / snap_s:.1f} faster",
        met(snap_s + pdf_s <= 3, "≤ 3 s"),
    )


def database_size(table, incidents):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    table.add(
        "database size",
        f"{size / 2**30:.2f} GB",
        "",
        "",
        f"{size / 2**20 / (incidents / 100_000):,.0f} MB per 100,000 incidents",
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--spans", type=int, default=10_000)
    parser.add_argument("--clocks", type=int, default=10_000)
    parser.add_argument("--recompute", type=int, default=3_000)
    parser.add_argument("--import-rows", type=int, default=6_000)
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated parts: clock,recompute,import,scan,pages,steering,size",
    )
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL (DATABASE_URL) filled by manage.py generate_data.")
    ecosystem = (
        Ecosystem.objects.filter(slug__startswith="generated-")
        .annotate(n=Count("incidents"))
        .order_by("-n")
        .first()
    )
    if ecosystem is None:
        sys.exit("No generated data: run manage.py generate_data first.")
    incidents = Incident.objects.count()
    events = Incident.events.rel.related_model.objects.count()
    print(
        f"{incidents:,} incidents, {events:,} events, {IncidentSla.objects.count():,} clocks; "
        f"pages measured on {ecosystem} ({ecosystem.incidents.count():,} incidents); "
        f"{date.today()}",
        flush=True,
    )
    table = Table()
    parts = {
        "clock": lambda: calendar_and_clock(table, args.spans, args.clocks),
        "recompute": lambda: recompute(table, args.recompute),
        "import": lambda: import_rows(table, args.import_rows),
        "scan": lambda: breach_scan(table, args.runs),
        "pages": lambda: pages(table, ecosystem, args.runs),
        "steering": lambda: steering(table, ecosystem),
        "size": lambda: database_size(table, incidents),
    }
    for name, part in parts.items():
        if not only or name in only:
            part()
    print()
    print(table.markdown())


if __name__ == "__main__":
    main()
