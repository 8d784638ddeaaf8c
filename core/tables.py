"""Table machinery shared by every list page (django-tables2)."""

import html
import math
import re
from datetime import datetime

import django_tables2 as tables
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, strip_tags
from django_tables2.columns.base import library
from django_tables2.rows import BoundRows

from .keyset import InvalidCursor, Keyset, count_up_to, offset_rows, window

MAX_PER_PAGE = 500
_SPACES = re.compile(r"\s+")
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_value(value):
    """A cell as a spreadsheet should get it: plain text, no markup, never a formula.

    Columns render badges, links and icons for the page; exports reuse those renderers,
    so the markup is taken off here, once, rather than in a ``value_*`` per column.
    """
    if not isinstance(value, str):
        return value
    text = value
    if "<" in text or "&" in text:
        text = html.unescape(strip_tags(text))
    text = _SPACES.sub(" ", text).strip()
    if text.startswith(_FORMULA_START) and not _is_number(text):
        text = "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class ActionsColumn(tables.Column):
    """Edit and delete links, shown only where the user may change the row."""

    empty_values = ()
    attrs = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "w-1"}}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbose_name", "")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("exclude_from_export", True)
        super().__init__(*args, **kwargs)

    def render(self, record, table):
        if record.pk not in table.changeable_pks:
            return ""
        edit = reverse(record.url_name("edit"), kwargs={"pk": record.pk})
        delete = reverse(record.url_name("delete"), kwargs={"pk": record.pk})
        return format_html(
            '<a class="btn btn-sm btn-ghost-primary" href="{}" aria-label="Edit {}"><i class="ti ti-pencil" aria-hidden="true"></i></a>'
            '<a class="btn btn-sm btn-ghost-danger" href="{}" aria-label="Delete {}"><i class="ti ti-trash" aria-hidden="true"></i></a>',
            edit,
            record,
            delete,
            record,
        )


class BaseTable(tables.Table):
    actions = ActionsColumn()

    class Meta:
        attrs = {"class": "table table-vcenter card-table table-hover"}
        template_name = "django_tables2/siam.html"

    def __init__(self, *args, changeable_pks=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.changeable_pks = changeable_pks

    def paginate(self, paginator_class=None, per_page=None, page=1, *args, **kwargs):
        # ?per_page=-1 or ?page=0 come from hand-edited addresses: clamp, never fail.
        if per_page is not None:
            per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
        page = max(int(page), 1) if str(page).lstrip("-").isdigit() else 1
        if paginator_class is not None:
            kwargs["paginator_class"] = paginator_class
        return super().paginate(*args, per_page=per_page, page=page, **kwargs)

    def as_values(self, exclude_columns=None):
        for row in super().as_values(exclude_columns):
            yield [export_value(cell) for cell in row]


@library.register
class DateTimeColumn(tables.Column):
    """A moment in the user's time zone, in ``format`` (the ``date`` filter's syntax).

    django-tables2's own column is a template column that compiles its template again
    for every cell: on a list of 25 incidents that was a tenth of the page's time.
    Registered, so that model fields shown without a declared column get it too.
    """

    def __init__(self, format=None, short=True, **kwargs):
        super().__init__(**kwargs)
        self.format = format or ("SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT")

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None

    def render(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, self.format)

    def value(self, value):
        # Exports keep the whole instant, in the user's zone.
        if isinstance(value, datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value


@library.register
class DateColumn(tables.Column):
    """A day in ``format`` (the ``date`` filter's syntax), without a template per cell."""

    def __init__(self, format=None, short=True, **kwargs):
        super().__init__(**kwargs)
        self.format = format or ("SHORT_DATE_FORMAT" if short else "DATE_FORMAT")

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None

    def render(self, value):
        return formats.date_format(value, self.format)


class ChoiceBadgeColumn(tables.Column):
    """A choice field shown as a coloured badge; colours per value come from ``colors``."""

    def __init__(self, *args, colors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.colors = colors or {}

    def render(self, value, record, bound_column):
        raw = bound_column.accessor.resolve(record)
        color = self.colors.get(raw, "secondary")
        return format_html('<span class="badge bg-{}-lt">{}</span>', color, value)


class KeysetPage:
    """A page of a keyset-paged list: what the pagination bar needs, and no page numbers."""

    is_keyset = True

    def __init__(self, rows, table, *, next_cursor, previous_cursor):
        self.object_list = BoundRows(rows, table)
        self.next_cursor = next_cursor
        self.previous_cursor = previous_cursor
        self.has_next = next_cursor is not None
        self.has_previous = previous_cursor is not None
        self.number = None

    def has_other_pages(self):
        return self.has_next or self.has_previous

    def __len__(self):
        return len(self.object_list.data)


class KeysetPaginator(Paginator):
    """Pages that start after a row (``?after=``) or end before one (``?before=``).

    The count is bounded (``core.keyset.COUNT_LIMIT``): past it the list says "10,000+"
    rather than counting a million rows on each page view. An ordering that cannot be
    keyset-paged (by a related model's name) keeps numbered pages, without a full count.
    """

    def __init__(self, object_list, per_page, after=None, before=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.table = object_list.table
        data = getattr(object_list.data, "data", None)
        self.queryset = data if isinstance(data, QuerySet) else None
        self.keyset = Keyset.of(self.queryset) if self.queryset is not None else None
        self.after = after
        self.before = before
        self._counted = None

    def _count(self):
        if self._counted is None:
            if self.queryset is None:
                self._counted = (len(self.object_list.data), True)
            else:
                self._counted = count_up_to(self.queryset)
        return self._counted

    @property
    def count(self):
        return self._count()[0]

    @property
    def count_is_exact(self):
        return self._count()[1]

    @property
    def num_pages(self):
        """None when the count stopped at its bound: the last page is not known."""
        if not self.count_is_exact:
            return None
        return max(math.ceil(self.count / self.per_page), 1)

    def page(self, number):
        if self.keyset is None or (number not in (None, 1) and not (self.after or self.before)):
            return self._numbered_page(number)
        token, backwards = (self.before, True) if self.before else (self.after, False)
        try:
            page = window(self.keyset, self.queryset, self.per_page, token, backwards)
        except InvalidCursor:
            page = window(self.keyset, self.queryset, self.per_page, None)
        return KeysetPage(
            page.rows,
            self.table,
            next_cursor=page.next_cursor,
            previous_cursor=page.previous_cursor,
        )

    def _numbered_page(self, number):
        """An offset page, for orderings a keyset cannot follow and old bookmarked links."""
        try:
            number = max(int(number or 1), 1)
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        # With ties broken by the primary key where the ordering allows, so that two
        # numbered pages never share or skip a row.
        source = self.keyset.ordered(self.queryset) if self.keyset else self.object_list.data
        stop = bottom + self.per_page + 1
        if isinstance(source, QuerySet):
            rows = offset_rows(source, bottom, stop)
        else:
            rows = list(source[bottom:stop])
        if not rows and number > 1:
            return self._numbered_page(1)
        return NumberedPage(
            BoundRows(rows[: self.per_page], self.table),
            number,
            self,
            more=len(rows) > self.per_page,
        )


class NumberedPage(Page):
    """An offset page that knows whether another follows without counting the list."""

    is_keyset = False

    def __init__(self, object_list, number, paginator, *, more):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more
