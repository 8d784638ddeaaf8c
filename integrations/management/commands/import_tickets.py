"""python manage.py import_tickets {servicenow,jira} FILE --ecosystem SLUG [--system NAME]"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from integrations.choices import ImportFormatChoices, ImportStateChoices, UnknownGroupChoices
from integrations.importers import import_path
from integrations.models import ImportRun, TicketFeed

FORMAT_KIND = {ImportFormatChoices.SERVICENOW: "servicenow", ImportFormatChoices.JIRA: "jira"}


class ProgressLines:
    """Progress as log lines: rows done of the total, rate, and the time left."""

    def __init__(self, total: int, out, every: int):
        self.total, self.out, self.every = total, out, max(every, 1)
        self.done, self.began = 0, time.monotonic()

    def __call__(self, count: int) -> None:
        if not count:
            return
        before, self.done = self.done, self.done + count
        if self.done // self.every == before // self.every and self.done < self.total:
            return
        elapsed = max(time.monotonic() - self.began, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0
        share = 100 * self.done / self.total if self.total else 100
        self.out.write(
            f"{self.done:,} of {self.total:,} rows ({share:.0f} %), {rate:,.0f} rows/s, "
            f"about {left:.0f} s left"
        )


class Command(BaseCommand):
    help = "Import a ServiceNow incident audit export or a Jira issue export (CSV) into a feed."

    def add_arguments(self, parser):
        parser.add_argument("format", choices=ImportFormatChoices.values)
        parser.add_argument("file", type=Path)
        parser.add_argument("--ecosystem", required=True, help="The ecosystem's slug.")
        parser.add_argument(
            "--system", help="The connected system's name, when the ecosystem has several."
        )
        parser.add_argument(
            "--unknown-groups",
            choices=UnknownGroupChoices.values,
            help="Create unknown assignment groups as teams of the integrator, or report "
            "their rows. Default: the feed's setting.",
        )
        parser.add_argument("--batch", type=int, default=2000, help="Rows per transaction.")
        parser.add_argument(
            "--progress-every", type=int, default=10000,
            help="When not on a terminal: a progress line every this many rows.",
        )  # fmt: skip

    def handle(self, *args, **options):
        path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        feeds = TicketFeed.objects.select_related("system").filter(
            ecosystem__slug=options["ecosystem"], system__kind=FORMAT_KIND[options["format"]]
        )
        if options["system"]:
            feeds = feeds.filter(system__name=options["system"])
        feeds = list(feeds)
        if len(feeds) != 1:
            found = ", ".join(f.system.name for f in feeds) or "none"
            raise CommandError(
                f"Expected one {options['format']} feed in {options['ecosystem']!r}, found: "
                f"{found}. Name it with --system, or create the feed first."
            )
        feed = feeds[0]
        run = ImportRun.objects.create(
            ecosystem_id=feed.ecosystem_id,
            feed=feed,
            format=options["format"],
            file_name=path.name,
            unknown_groups=options["unknown_groups"] or feed.unknown_groups,
        )
        with open(path, "rb") as handle:
            total = max(sum(1 for _ in handle) - 1, 0)
        if self.stderr.isatty():
            with tqdm(total=total, unit="rows", file=self.stderr) as bar:
                import_path(run, path, batch_rows=options["batch"], progress=bar.update)
        else:
            # In a log (cron, a container) a progress bar draws nothing: a line now and then.
            progress = ProgressLines(total, self.stderr, every=options["progress_every"])
            import_path(run, path, batch_rows=options["batch"], progress=progress)
        if run.state == ImportStateChoices.FAILED:
            raise CommandError(run.error)
        self.stdout.write(
            f"{run.rows_read} rows read in {run.seconds:.1f} s: {run.events_applied} events "
            f"applied, {run.events_unchanged} already there; {run.incidents_created} incidents "
            f"created, {run.incidents_updated} updated; {run.rows_rejected} rows rejected"
            + (f" ({run.rows_conflicting} conflicting)." if run.rows_conflicting else ".")
        )
        for rejection in run.rejections[:20]:
            self.stdout.write(
                f"  row {rejection['row']} {rejection['ticket']}: {rejection['reason']}"
            )
        if run.rows_rejected > 20:
            self.stdout.write(f"  … and {run.rows_rejected - 20} more (see the import's page).")
