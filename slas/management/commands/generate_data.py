"""Generate a realistic data set at scale, deterministically (docs/scaling.md)."""

import time

from django.core.management.base import BaseCommand, CommandError

from slas.datagen import generate


class Command(BaseCommand):
    help = (
        "Generate ecosystems, parties, calendars, contracts, targets, RACI matrices, "
        "requirements and N incidents over five years with their timelines and SLA clocks. "
        "The same --seed gives the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--incidents", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, incidents, seed, **options):
        if incidents < 1:
            raise CommandError("--incidents must be at least 1.")
        from siam.models import Ecosystem

        if Ecosystem.objects.filter(slug__startswith=f"generated-{seed}-").exists():
            raise CommandError(
                f"Data of seed {seed} exists already: use another --seed or a fresh database."
            )
        began = time.perf_counter()
        made = generate(incidents, seed, log=self.stdout.write)
        elapsed = time.perf_counter() - began
        self.stdout.write(
            self.style.SUCCESS(
                f"{made['ecosystems']} ecosystems, {made['incidents']:,} incidents, "
                f"{made['events']:,} events, {made['clocks']:,} SLA clocks in {elapsed:.0f} s "
                f"({made['incidents'] / elapsed:,.0f} incidents/s)."
            )
        )
