"""Table machinery shared by every list page (django-tables2)."""

import html
import re

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, strip_tags

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
        template_name = "django_tables2/bootstrap5-responsive.html"

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


class ChoiceBadgeColumn(tables.Column):
    """A choice field shown as a coloured badge; colours per value come from ``colors``."""

    def __init__(self, *args, colors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.colors = colors or {}

    def render(self, value, record, bound_column):
        raw = bound_column.accessor.resolve(record)
        color = self.colors.get(raw, "secondary")
        return format_html('<span class="badge bg-{}-lt">{}</span>', color, value)
