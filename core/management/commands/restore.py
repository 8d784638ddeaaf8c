"""Restore a backup made by ``backup`` into an empty database, then check it.

Point ``DATABASE_URL`` (and the folder settings) at the new, empty database and
folders, stop the worker and beat, then ``python manage.py restore FOLDER --verify``:
the dump is restored, the files unpacked, the schema brought up to this version
(``migrate``), and with ``--verify`` the report figures are compared with those
recorded at the backup. They are identical when nothing was written while the
backup ran (a quiet hour, or a restore drill); the command names what differs.
"""

import io
import json
import tarfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ._backup import DUMP, FIGURES, FILES, libpq_environment, run, stored_folders


def differences(before, after, path="") -> list[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in sorted(set(before) | set(after)):
            found += differences(before.get(key), after.get(key), f"{path}/{key}")
        return found
    return [] if before == after else [f"{path}: {before!r} -> {after!r}"]


class Command(BaseCommand):
    help = "Restore a backup folder into the (empty) configured database and folders."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder written by `manage.py backup`.")
        parser.add_argument(
            "--verify", action="store_true",
            help="Compare the restored report figures with those recorded at the backup.",
        )  # fmt: skip

    def handle(self, *args, folder, verify=False, **options):
        source = Path(folder)
        for name in (DUMP, FILES):
            if not (source / name).is_file():
                raise CommandError(f"{source / name} is missing: is this a backup folder?")
        env = libpq_environment()
        if connection.introspection.table_names():
            raise CommandError(
                f"The database {connection.settings_dict['NAME']} is not empty: "
                "restore into a new database."
            )
        run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
             f"--dbname={env['PGDATABASE']}", str(source / DUMP)], env)  # fmt: skip
        folders = stored_folders()
        with tarfile.open(source / FILES, "r:gz") as archive:
            for member in archive.getmembers():
                top, _, rest = member.name.partition("/")
                if top not in folders:
                    continue
                member.name = rest
                if rest:
                    archive.extract(member, folders[top], filter="data")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Restored {source} into {connection.settings_dict['NAME']}.")
        if verify:
            self.verify(source)

    def verify(self, source: Path) -> None:
        recorded = source / FIGURES
        if not recorded.is_file():
            raise CommandError(f"{recorded} is missing: nothing to compare with.")
        figures = io.StringIO()
        call_command("report_figures", stdout=figures)
        found = differences(json.loads(recorded.read_text()), json.loads(figures.getvalue()))
        if found:
            raise CommandError(
                "The restored figures differ from the backup's:\n" + "\n".join(found[:50])
            )
        self.stdout.write("Report figures identical to those at the backup.")
