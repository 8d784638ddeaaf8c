"""What a backup holds and where it comes from, shared by ``backup`` and ``restore``."""

import os
import subprocess

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections

DUMP = "database.dump"
FILES = "files.tar.gz"
FIGURES = "figures.json"


def stored_folders() -> dict[str, str]:
    """Folders of files the database points at, by the name they have in the archive.

    Static files are not among them: ``collectstatic`` builds them again.
    """
    return {
        "media": str(settings.MEDIA_ROOT),
        "reports": str(settings.SIAM_REPORTS_DIR),
        "imports": str(settings.SIAM_IMPORTS_DIR),
    }


def libpq_environment(alias: str = "default") -> dict[str, str]:
    """pg_dump / pg_restore reach the database Django uses, whatever URL named it."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise CommandError(
            "Backups are made with pg_dump: this command needs PostgreSQL "
            f"(the database is {connection.vendor})."
        )
    params = connection.settings_dict
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                      ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):  # fmt: skip
        if params.get(key):
            env[name] = str(params[key])
    return env


def run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{command[0]} failed: {result.stderr.strip() or result.returncode}")
