"""Table machinery shared by every list page (django-tables2)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html


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


class ChoiceBadgeColumn(tables.Column):
    """A choice field shown as a coloured badge; colours per value come from ``colors``."""

    def __init__(self, *args, colors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.colors = colors or {}

    def render(self, value, record, bound_column):
        raw = bound_column.accessor.resolve(record)
        color = self.colors.get(raw, "secondary")
        return format_html('<span class="badge bg-{}-lt">{}</span>', color, value)
