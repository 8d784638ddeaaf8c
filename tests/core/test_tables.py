"""The table columns shared by every list page."""

from datetime import UTC, date, datetime

import django_tables2 as tables
from django.utils import timezone

from core.tables import BaseTable, DateColumn, DateTimeColumn
from slas.models import Incident


class Moments(tables.Table):
    at = DateTimeColumn(format="j M Y H:i", default="never")
    day = DateColumn(format="j M Y")


ROWS = [
    {"at": datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "day": date(2026, 3, 29)},
    {"at": None, "day": date(2026, 12, 31)},
]


def test_a_moment_is_shown_in_the_users_time_zone():
    with timezone.override("Europe/Amsterdam"):
        # The night the clocks go forward: 00:30 UTC is 01:30 in Amsterdam.
        cells = [row.get_cell("at") for row in Moments(ROWS).rows]
        assert cells == ["29 Mar 2026 01:30", "never"]
    with timezone.override("Asia/Kolkata"):
        assert Moments(ROWS).rows[0].get_cell("at") == "29 Mar 2026 06:00"


def test_a_day_is_formatted_and_never_moved_by_the_time_zone():
    with timezone.override("Pacific/Auckland"):
        assert [row.get_cell("day") for row in Moments(ROWS).rows] == ["29 Mar 2026", "31 Dec 2026"]


def test_exports_keep_the_whole_instant_in_the_users_zone():
    with timezone.override("Europe/Amsterdam"):
        rows = list(Moments(ROWS).as_values())
    assert rows[1][0] == "2026-03-29 01:30:00+01:00"


def test_model_fields_without_a_declared_column_get_these_columns():
    class Incidents(BaseTable):
        class Meta(BaseTable.Meta):
            model = Incident
            fields = ("opened_at", "resolved_at")

    columns = Incidents([]).base_columns
    assert type(columns["opened_at"]) is DateTimeColumn
