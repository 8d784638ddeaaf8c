"""Back up the database and the files it points at into one folder.

``python manage.py backup /srv/backups/2026-12-01`` writes ``database.dump``
(``pg_dump --format=custom``, a consistent snapshot while the app runs),
``files.tar.gz`` (uploaded media, archived steering reports, exports waiting for
import) and ``figures.json``, the report figures at the time of the backup, which
``restore --verify`` compares with the restored copy.
"""

import io
import tarfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ._backup import DUMP, FIGURES, FILES, libpq_environment, run, stored_folders


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the stored files into a folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Where to write the backup (created; must be empty).")

    def handle(self, *args, folder, **options):
        target = Path(folder)
        if target.exists() and any(target.iterdir()):
            raise CommandError(f"{target} is not empty: back up into a new folder.")
        target.mkdir(parents=True, exist_ok=True)
        env = libpq_environment()
        run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
             f"--file={target / DUMP}"], env)  # fmt: skip
        with tarfile.open(target / FILES, "w:gz") as archive:
            for name, path in stored_folders().items():
                if Path(path).is_dir():
                    archive.add(path, arcname=name)
        figures = io.StringIO()
        call_command("report_figures", stdout=figures)
        (target / FIGURES).write_text(figures.getvalue(), encoding="utf-8")
        self.stdout.write(f"Backed up to {target}: {DUMP}, {FILES}, {FIGURES}.")
