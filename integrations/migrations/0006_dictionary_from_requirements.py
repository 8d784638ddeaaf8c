"""The data dictionary's models, moved here from ``requirements_app`` (whose 0003
renamed their tables): state only, plus their content types, so that permissions and
anything else pointing at them follow."""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ("fieldmapping", "valuemapping")


def _move_content_types(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if ContentType.objects.filter(app_label=new, model=model).exists():
            continue  # already there (made by an earlier run): nothing to carry over
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    _move_content_types(apps, "requirements_app", "integrations")


def backwards(apps, schema_editor):
    _move_content_types(apps, "integrations", "requirements_app")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("integrations", "0005_inbound_body_retention"),
        ("requirements_app", "0003_dictionary_moves_to_integrations"),
        ("siam", "0005_drop_redundant_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="FieldMapping",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("position", models.PositiveIntegerField(default=0)),
                        ("source_field", models.CharField(blank=True, help_text="e.g. short_description", max_length=100)),
                        ("target_field", models.CharField(blank=True, help_text="e.g. summary", max_length=100)),
                        ("semantics", models.TextField(blank=True, help_text="What the field means on both sides.")),
                        ("sample_values", models.CharField(blank=True, max_length=300)),
                        ("source_type", models.CharField(blank=True, max_length=50)),
                        ("source_max_length", models.PositiveIntegerField(blank=True, null=True)),
                        ("target_type", models.CharField(blank=True, max_length=50)),
                        ("target_max_length", models.PositiveIntegerField(blank=True, null=True)),
                        ("source_values", models.TextField(blank=True, help_text="For a list field: the values the source can hold, one per line.")),
                        ("flow", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="field_mappings", to="siam.integrationflow")),
                    ],
                    options={"verbose_name": "field mapping", "ordering": ("flow", "position", "id")},
                ),
                migrations.CreateModel(
                    name="ValueMapping",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("direction", models.CharField(choices=[("forward", "Source → target"), ("backward", "Target → source")], default="forward", max_length=10)),
                        ("source_value", models.CharField(blank=True, help_text="e.g. 1 - Critical", max_length=200)),
                        ("target_value", models.CharField(blank=True, help_text="e.g. Highest", max_length=200)),
                        ("rule", models.CharField(choices=[("map", "Map to the target value"), ("same", "Same value on both sides"), ("default", "Default for any unmapped value"), ("skip", "Skip (do not synchronise)")], default="map", max_length=10)),
                        ("field", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="value_mappings", to="integrations.fieldmapping")),
                    ],
                    options={"verbose_name": "value mapping", "ordering": ("field", "direction", "source_value")},
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]  # fmt: skip
