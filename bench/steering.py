"""Steering report and dashboard benchmark (not a test): prints figures.

    .venv/bin/python bench/steering.py --runs 3

Loads the demo ecosystem into a throwaway SQLite database (var/bench-steering.sqlite3,
unless DATABASE_URL is set), then times, for the demo ecosystem and last month:
the snapshot (all figures, SQL), the PDF rendering (WeasyPrint) and the dashboard
data for the integrator's user — median of ``--runs`` and the query counts.
"""

import argparse
import logging
import os
import statistics
import time

from _setup import django_on_scratch_database


def timed(fn, runs):
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    django_on_scratch_database("bench-steering")
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from governance import services, steering
    from siam.models import Ecosystem

    with open(os.devnull, "w") as quiet:
        call_command("load_demo", quiet_logins=True, stdout=quiet)
    eco = Ecosystem.objects.get(slug="infinity-ecommerce")
    start, end = steering.period_for(services.last_complete_period())
    with CaptureQueriesContext(connection) as queries:
        steering.snapshot(eco, start, end)
    snap_time, snap = timed(lambda: steering.snapshot(eco, start, end), runs)
    render_time, pdf = timed(lambda: steering.render(snap, steering.logo_data_uri(eco)), runs)
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    john = get_user_model().objects.get(username="john")
    with CaptureQueriesContext(connection) as dash_queries:
        services.dashboard(john, eco)
    dash_time, _ = timed(lambda: services.dashboard(john, eco), runs)
    print(f"incidents in the demo ecosystem: {eco.incidents.count()}")
    print(f"snapshot ({start:%B %Y}): {snap_time * 1000:.0f} ms, {len(queries)} queries")
    print(f"PDF rendering: {render_time:.2f} s for {pages} pages ({len(pdf) / 1024:.0f} KiB)")
    print(f"dashboard data: {dash_time * 1000:.0f} ms, {len(dash_queries)} queries")


if __name__ == "__main__":
    main()
