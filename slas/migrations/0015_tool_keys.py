"""Tool keys move from one column per tool on the incident to one row per tool.

The keys are copied with one INSERT … SELECT per tool (no row goes through Python, so a
database of a million incidents migrates in seconds), before the columns are dropped;
going back copies them into the columns again.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


COLUMNS = {
    "jira_key": "jira",
    "servicenow_number": "servicenow",
    "zendesk_id": "zendesk",
    "azure_devops_id": "azure_devops",
}


def copy_keys_to_rows(apps, schema_editor):
    incidents = apps.get_model("slas", "Incident")._meta.db_table
    keys = apps.get_model("slas", "IncidentToolKey")._meta.db_table
    quote = schema_editor.quote_name
    for column, tool in COLUMNS.items():
        schema_editor.execute(
            f"INSERT INTO {quote(keys)} (incident_id, tool, {quote('key')}) "
            f"SELECT id, %s, {quote(column)} FROM {quote(incidents)} WHERE {quote(column)} <> ''",
            [tool],
        )


def copy_rows_to_keys(apps, schema_editor):
    Incident = apps.get_model("slas", "Incident")
    IncidentToolKey = apps.get_model("slas", "IncidentToolKey")
    for column, tool in COLUMNS.items():
        for row in IncidentToolKey.objects.filter(tool=tool).iterator():
            # The columns held 50 characters.
            Incident.objects.filter(pk=row.incident_id).update(**{column: row.key[:50]})


class Migration(migrations.Migration):
    dependencies = [
        ("slas", "0014_breached_latest_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalIncidentToolKey",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "tool",
                    models.CharField(
                        choices=[
                            ("jira", "Jira"),
                            ("servicenow", "ServiceNow"),
                            ("zendesk", "Zendesk"),
                            ("azure_devops", "Azure DevOps"),
                            ("siam", "SIAM hub (this application)"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                ("key", models.CharField(max_length=100)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "incident",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="slas.incident",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical tool key",
                "verbose_name_plural": "historical tool keys",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="IncidentToolKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "tool",
                    models.CharField(
                        choices=[
                            ("jira", "Jira"),
                            ("servicenow", "ServiceNow"),
                            ("zendesk", "Zendesk"),
                            ("azure_devops", "Azure DevOps"),
                            ("siam", "SIAM hub (this application)"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                ("key", models.CharField(max_length=100)),
                (
                    "incident",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tool_keys",
                        to="slas.incident",
                    ),
                ),
            ],
            options={
                "verbose_name": "tool key",
                "ordering": ("incident", "tool"),
                "indexes": [models.Index(fields=["key"], name="slas_tool_key_key")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("incident", "tool"), name="slas_tool_key_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_keys_to_rows, copy_rows_to_keys),
        migrations.RemoveField(
            model_name="historicalincident",
            name="azure_devops_id",
        ),
        migrations.RemoveField(
            model_name="historicalincident",
            name="jira_key",
        ),
        migrations.RemoveField(
            model_name="historicalincident",
            name="servicenow_number",
        ),
        migrations.RemoveField(
            model_name="historicalincident",
            name="zendesk_id",
        ),
        migrations.RemoveField(
            model_name="incident",
            name="azure_devops_id",
        ),
        migrations.RemoveField(
            model_name="incident",
            name="jira_key",
        ),
        migrations.RemoveField(
            model_name="incident",
            name="servicenow_number",
        ),
        migrations.RemoveField(
            model_name="incident",
            name="zendesk_id",
        ),
    ]
