"""Set-based writes of many rows at once.

Django's ``bulk_update`` writes one ``CASE WHEN id = … THEN …`` per field per row: its
statement grows with the square of the batch on PostgreSQL's planner and runs at a few
hundred rows a second. ``update_rows`` sends the new values as one ``VALUES`` list joined
on the primary key (``UPDATE … FROM (VALUES …)``), tens of thousands of rows a second.
Callers pass only the rows that changed: the cheapest update is the one not sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from operator import attrgetter

from django.db import connections, models, router

#: psycopg binds at most 65,535 parameters per statement.
_MAX_PARAMETERS = 60_000


def update_rows(
    model: type[models.Model], rows: Sequence[models.Model], fields: Sequence[str]
) -> int:
    """Write ``fields`` of ``rows`` (instances with a primary key); returns rows written."""
    if not rows:
        return 0
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return model.objects.using(alias).bulk_update(rows, fields, batch_size=500) or 0
    meta = model._meta
    columns = [meta.pk] + [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    placeholders = "(" + ", ".join(f"%s::{f.cast_db_type(connection)}" for f in columns) + ")"
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns[1:])
    names = ", ".join(quote(f.column) for f in columns)
    per_batch = max(1, _MAX_PARAMETERS // len(columns))
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_batch):
            batch = rows[start : start + per_batch]
            params = []
            for row in batch:
                for field in columns:
                    params.append(field.get_db_prep_save(getattr(row, field.attname), connection))
            cursor.execute(
                f"UPDATE {table} SET {assignments} "
                f"FROM (VALUES {', '.join([placeholders] * len(batch))}) AS v({names}) "
                f"WHERE {table}.{quote(meta.pk.column)} = v.{quote(meta.pk.column)}",
                params,
            )
            written += cursor.rowcount
    return written


def field_values(row: models.Model, fields: Sequence[str]) -> tuple:
    """The values of ``fields`` as stored (foreign keys by id), to tell whether a row
    changed since it was read."""
    return _getter(type(row), tuple(fields))(row)


@lru_cache(maxsize=256)
def _getter(model: type[models.Model], fields: tuple[str, ...]):
    # Asked for every row of a batch: the attribute names are looked up once per model.
    names = [model._meta.get_field(name).attname for name in fields]
    getter = attrgetter(*names)
    return getter if len(names) > 1 else (lambda row: (getter(row),))


def insert_rows(rows: list) -> None:
    """``bulk_create`` for rows whose keys are not needed back: ``COPY`` on
    PostgreSQL, elsewhere one prepared INSERT run per row (``executemany``). Both skip
    Django's per-value SQL compilation, the larger part of storing the source event
    every imported row adds (bench/ingest.py); COPY is a further 5x on that write."""
    if not rows:
        return
    model = type(rows[0])
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    params = [
        [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields] for row in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in params:
                    copy.write_row(values)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", params)
