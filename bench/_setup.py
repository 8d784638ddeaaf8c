"""What every benchmark does first: Django on a throwaway, migrated database."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def django_on_scratch_database(name: str) -> None:
    """Set Django up on ``var/<name>.sqlite3`` (recreated), unless DATABASE_URL is set,
    and migrate it."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    if "DATABASE_URL" not in os.environ:
        db = ROOT / "var" / f"{name}.sqlite3"
        db.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
