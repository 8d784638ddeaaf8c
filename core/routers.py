"""Reads that tolerate a few seconds of lag go to a read replica, when there is one.

Reports, dashboards and steering snapshots read months of clocks and write nothing:
they are the first load to move off the primary (docs/scaling.md). The code that
computes them runs its queries inside ``reads_from_replica()``; everything else, and
every write, stays on ``default``. Without ``DATABASE_REPLICA_URL`` the block changes
nothing.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction

_replica_wanted: ContextVar[bool] = ContextVar("replica_wanted", default=False)


def replica_alias() -> str | None:
    alias = getattr(settings, "SIAM_REPORTS_DATABASE", "")
    return alias if alias and alias in settings.DATABASES else None


@contextmanager
def reads_from_replica():
    """Queries in this block read from the reports database. Not inside a transaction
    on ``default``: that transaction may have written what the block must see."""
    use = replica_alias() is not None and not transaction.get_connection().in_atomic_block
    token = _replica_wanted.set(use)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return replica_alias() if _replica_wanted.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica is a copy of default made by PostgreSQL: never migrated itself.
        return db == "default"
