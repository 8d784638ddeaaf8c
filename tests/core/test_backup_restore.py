"""A backup restored into an empty database gives the same report figures and files.

The backup is made by ``manage.py backup`` from the test database (the demo loaded and
committed, with its archived steering report PDF); ``manage.py restore --verify`` runs
in a separate process, configured as a new server would be: a new database, new
folders. It compares the restored figures with those recorded at the backup.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from core.management.commands.restore import differences

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="backups are made with pg_dump (PostgreSQL)"
    ),
    pytest.mark.django_db(transaction=True),
]


def _psql(sql: str) -> None:
    params = connection.settings_dict
    subprocess.run(
        ["psql", "-q", "-h", params["HOST"] or "localhost", "-p", str(params["PORT"] or 5432),
         "-U", params["USER"] or "postgres", "-d", "postgres", "-c", sql],
        check=True, capture_output=True,
    )  # fmt: skip


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_a_restored_backup_gives_identical_report_figures(tmp_path):
    call_command("load_demo", quiet_logins=True)
    call_command("backup", str(tmp_path / "backup"))
    recorded = json.loads((tmp_path / "backup" / "figures.json").read_text())
    assert recorded["steering_reports"] and recorded["steering_reports"][0]["sha256"]
    assert recorded["rows"]["slas.Incident"] > 0

    params = connection.settings_dict
    restored = f"{params['NAME']}_restored"
    _psql(f"DROP DATABASE IF EXISTS {restored}")
    _psql(f"CREATE DATABASE {restored}")
    try:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": settings.SECRET_KEY,
            "DATABASE_URL": (
                f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{restored}"
            ),
            "MEDIA_ROOT": str(tmp_path / "new-server" / "media"),
            "SIAM_REPORTS_DIR": str(tmp_path / "new-server" / "reports"),
            "SIAM_IMPORTS_DIR": str(tmp_path / "new-server" / "imports"),
        }
        result = _manage("restore", str(tmp_path / "backup"), "--verify", env=env)
        assert result.returncode == 0, result.stderr
        assert "Report figures identical" in result.stdout

        # The restored PDF is where the restored row says, with the same bytes.
        report = recorded["steering_reports"][0]
        assert (tmp_path / "new-server" / "reports" / report["file"]).is_file()

        # Restoring over data is refused rather than mixing two databases.
        again = _manage("restore", str(tmp_path / "backup"), env=env)
        assert again.returncode != 0 and "is not empty" in again.stderr
    finally:
        _psql(f"DROP DATABASE IF EXISTS {restored} WITH (FORCE)")


def test_differences_name_each_changed_figure():
    before = {"a": {"clocks": 3, "met": 2}, "rows": {"x": 1}}
    after = {"a": {"clocks": 3, "met": 1}, "rows": {"x": 1, "y": 2}}
    assert differences(before, after) == ["/a/met: 2 -> 1", "/rows/y: None -> 2"]
    assert differences(before, before) == []
