"""The project as an operator meets it: settings, deploy checks, migrations, schema."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from config.env import env_bool, env_list

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "raw,expected", [("true", True), ("1", True), ("Yes", True), ("off", False), ("0", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG") is expected


def test_env_bool_rejects_typos(monkeypatch):
    monkeypatch.setenv("FLAG", "flase")
    with pytest.raises(ImproperlyConfigured):
        env_bool("FLAG")


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS") == ["a.example", "b.example"]


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production_env(**extra):
    dropped = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="x" * 20 + "-production-secret-for-the-check-" + "y" * 20,
        ALLOWED_HOSTS="siam.example.com",
        **extra,
    )
    return env


def test_production_settings_pass_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    del env["SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_migrations_are_complete():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


@pytest.mark.django_db
def test_openapi_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text()
    assert "/api/siam/ecosystems/" in text
    assert "tokenAuth" in text


REDUNDANT_INDEXES = """
WITH idx AS (
    SELECT t.relname AS tbl, c.relname AS name, i.indkey::text AS cols,
           i.indclass::text AS ops, i.indisunique AS uniq
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND i.indpred IS NULL AND i.indexprs IS NULL
)
SELECT a.tbl, a.name, b.name FROM idx a JOIN idx b
  ON a.tbl = b.tbl AND a.name <> b.name AND NOT a.uniq
 AND (b.cols = a.cols OR b.cols LIKE a.cols || ' %%')
 AND (b.ops = a.ops OR b.ops LIKE a.ops || ' %%')
WHERE a.tbl = ANY(%s)
"""


@pytest.mark.django_db
def test_no_index_is_a_prefix_of_another_on_the_projects_tables():
    """Each redundant index costs every insert and update of its table (ten million
    timeline rows at scale) and is never chosen over the wider one."""
    from django.apps import apps
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's catalogue")
    ours = {"core", "siam", "raci", "requirements_app", "slas", "governance", "integrations"}
    tables = [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in ours
        # Django indexes both sides of an implicit many-to-many table itself.
        and not (model._meta.auto_created and model._meta.db_table != "slas_incident_holders")
    ]
    with connection.cursor() as cursor:
        cursor.execute(REDUNDANT_INDEXES, [tables])
        redundant = cursor.fetchall()
    assert redundant == [], redundant
