import django_tables2 as tables

from core.tables import BaseTable, ChoiceBadgeColumn, DateTimeColumn

from .models import AccessMatrix, DataObject, RaciMatrix, RaciTemplate, Role

STATUS_COLOURS = {"draft": "yellow", "approved": "green", "superseded": "secondary"}
NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class RoleTable(BaseTable):
    name = tables.Column(linkify=True)
    organisation = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    holder_count = tables.Column(verbose_name="Holders", attrs=NUMBER)
    column_count = tables.Column(verbose_name="Used in matrices", attrs=NUMBER)

    class Meta(BaseTable.Meta):
        model = Role
        fields = ("name", "organisation", "ecosystem", "holder_count", "column_count", "actions")


class RaciMatrixTable(BaseTable):
    name = tables.Column(linkify=True)
    version = tables.Column(attrs=NUMBER)
    ecosystem = tables.Column(linkify=True)
    variant = tables.Column()
    status = ChoiceBadgeColumn(colors=STATUS_COLOURS)
    activity_count = tables.Column(verbose_name="Activities", attrs=NUMBER)
    column_count = tables.Column(verbose_name="Roles", attrs=NUMBER)
    approved_by = tables.Column()
    approved_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = RaciMatrix
        fields = (
            "name", "version", "ecosystem", "variant", "status", "activity_count",
            "column_count", "approved_by", "approved_at", "actions",
        )  # fmt: skip


class RaciTemplateTable(BaseTable):
    name = tables.Column(linkify=True)
    variant = tables.Column()
    owner = tables.Column(default="Built in")
    description = tables.Column(orderable=False)

    class Meta(BaseTable.Meta):
        model = RaciTemplate
        fields = ("name", "variant", "owner", "description", "actions")


class DataObjectTable(BaseTable):
    name = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    confidential = tables.BooleanColumn()

    class Meta(BaseTable.Meta):
        model = DataObject
        fields = ("name", "ecosystem", "confidential", "actions")


class AccessMatrixTable(BaseTable):
    name = tables.Column(
        accessor="pk", verbose_name="Matrix", linkify=lambda record: record.get_absolute_url()
    )
    ecosystem = tables.Column(linkify=True)
    version = tables.Column(attrs=NUMBER)
    status = ChoiceBadgeColumn(colors=STATUS_COLOURS)
    grant_count = tables.Column(verbose_name="Grants", attrs=NUMBER)
    approved_by = tables.Column()
    approved_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = AccessMatrix
        fields = (
            "name", "ecosystem", "version", "status", "grant_count", "approved_by", "approved_at",
            "actions",
        )  # fmt: skip

    def render_name(self, record):
        return f"Access matrix v{record.version}"
