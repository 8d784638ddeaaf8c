from django.core.management.base import BaseCommand, CommandError

from siam.models import Ecosystem
from slas import clocks, crossings
from slas.models import Incident


class Command(BaseCommand):
    help = (
        "Recompute incidents' SLA state from their timelines. Open incidents only, unless "
        "--include-closed (closed ones otherwise keep their recorded outcome)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ecosystem", help="Slug of the ecosystem (default: all).")
        parser.add_argument("--incident", help="Reference of one incident (e.g. INC-000042).")
        parser.add_argument("--include-closed", action="store_true")

    def handle(self, *args, ecosystem=None, incident=None, include_closed=False, **options):
        ecosystems = Ecosystem.objects.all()
        if ecosystem:
            ecosystems = ecosystems.filter(slug=ecosystem)
            if not ecosystems.exists():
                raise CommandError(f"No ecosystem {ecosystem!r}.")
        if incident:
            found = list(Incident.objects.filter(reference=incident, ecosystem__in=ecosystems))
            if not found:
                raise CommandError(f"No incident {incident!r}.")
            stored = clocks.recompute_incidents(found)
        else:
            stored = crossings.repair(
                ecosystems.values_list("pk", flat=True), include_closed=include_closed
            )
        self.stdout.write(self.style.SUCCESS(f"Recomputed {stored} clocks."))
