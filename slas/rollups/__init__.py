"""Stored monthly roll-ups of the finished clocks, for reports over years of history.

At five years of history the SLA report, the dashboard and the steering report would
sum millions of clocks on each view, although a month long past hardly ever changes.
Each past month of each ecosystem keeps its sums here (``SlaRollup``: what the report
would compute from the month's clocks, by metric, provider, service and priority); a
report reads those sums for the months it covers whole and the clocks themselves for
the rest (the current month, partial months at the window's ends, stale months).

Freshness is a version per month (``SlaRollupMonth``): every write that can change
what a month's clocks report raises it (``mark_incidents`` from ``store_clocks``, the
breach scan, an incident's deletion, a target's change); the refresh task rebuilds the
months whose version moved since their sums were computed. A report uses a month's
sums only while they are current, so a stale roll-up costs time, never correctness.
The nightly rebuild of every month repairs whatever a write outside the service
functions (raw SQL, a restore) changed without saying so.

A provider's users see only the incidents their organisation held, so each month
also keeps every engaged provider's share (``seen_by``; ``SlaRollupSeen`` for its
resolved and reopened counts); the whole ecosystem's rows have ``seen_by`` empty.

Months are calendar months in the server's time zone (``TIME_ZONE``); a user who works
in another zone gets the live figures, whose months are his.
"""

from . import build, months, read
from .build import mark_ecosystem, mark_incidents, mark_months, refresh
from .months import current_month, month_of, month_start, next_month
from .read import (
    Scope,
    live_condition,
    scope_for,
    stored_budget,
    stored_condition,
    stored_gaps,
    stored_rows,
    usable_months,
)

__all__ = [
    "Scope", "build", "current_month", "live_condition", "mark_ecosystem", "mark_incidents",
    "mark_months", "month_of", "month_start", "months", "next_month", "read", "refresh",
    "scope_for", "stored_budget", "stored_condition", "stored_gaps", "stored_rows",
    "usable_months",
]  # fmt: skip
