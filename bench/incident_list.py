"""Incident list benchmark (not a test): the page integrators live on, at scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/siam_gen \\
        .venv/bin/python bench/incident_list.py [--runs 20]

Run on a database filled by ``manage.py generate_data`` (then ``VACUUM ANALYZE``, which
generate_data does). Side by side in one run, p50 / p95 in milliseconds:

- the incident list page sorted by due (first page and a deep page), server time
  through Django's test client, as the integrator's administrator;
- its floor: the hand-written SQL of the same first page (the indexed columns);
- the previous design: the same page's query with the next deadline as a correlated
  subquery per incident (what the list ran before the incident kept it).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F, Min, OuterRef, Subquery  # noqa: E402
from django.test import Client  # noqa: E402

from siam.choices import MembershipRoleChoices  # noqa: E402
from siam.models import Ecosystem, Membership  # noqa: E402
from slas.models import Incident, IncidentSla  # noqa: E402


def timed(fn, runs):
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    ecosystem = Ecosystem.objects.filter(slug__startswith="generated-").order_by("pk").first()
    if ecosystem is None:
        sys.exit("No generated data: run manage.py generate_data first.")
    user, _ = get_user_model().objects.get_or_create(username="bench-integrator")
    Membership.objects.get_or_create(
        user=user, organisation=ecosystem.integrator, defaults={"role": MembershipRoleChoices.ADMIN}
    )
    client = Client()
    client.force_login(user)
    total = Incident.objects.filter(ecosystem=ecosystem).count()
    deep = max(total // 25 - 5, 1)

    def page(number):
        response = client.get("/slas/incidents/", {"sort": "next_due_at", "page": number})
        assert response.status_code == 200

    table = Incident._meta.db_table

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, reference, title, priority, status, sla_state, next_due_at FROM {table} "
                "WHERE ecosystem_id = %s ORDER BY next_due_at ASC NULLS LAST, opened_at DESC LIMIT 25",
                [ecosystem.pk],
            )
            cursor.fetchall()

    def previous():
        running = IncidentSla.objects.filter(incident_id=OuterRef("pk"), state="running")
        due = (
            running.order_by()
            .values("incident_id")
            .annotate(first=Min("due_at"))
            .values("first")[:1]
        )
        rows = (
            Incident.objects.filter(ecosystem=ecosystem)
            .annotate(due=Subquery(due))
            .order_by(F("due").asc(nulls_last=True), "-opened_at")[:25]
        )
        list(rows.values_list("pk", "reference", "due"))

    page(1)  # warm
    rows = [
        ("incident list, sorted by due, page 1", timed(lambda: page(1), args.runs)),
        (f"incident list, sorted by due, page {deep}", timed(lambda: page(deep), args.runs)),
        ("floor: hand-written SQL of page 1", timed(floor, args.runs)),
        ("before: next deadline as a subquery per incident", timed(previous, args.runs)),
    ]
    print(f"{total:,} incidents in {ecosystem}; {Incident.objects.count():,} in all\n")
    print(f"{'what':<52} | {'p50 ms':>8} | {'p95 ms':>8}")
    print("-" * 74)
    for label, (p50, p95) in rows:
        print(f"{label:<52} | {p50:>8.1f} | {p95:>8.1f}")
    page_p50, floor_p50, before_p50 = rows[0][1][0], rows[2][1][0], rows[3][1][0]
    print(f"\npage 1 vs its SQL floor: {page_p50 / floor_p50:.0f}x; the old subquery's query alone "
          f"vs the new floor: {before_p50 / floor_p50:.0f}x")  # fmt: skip


if __name__ == "__main__":
    main()
