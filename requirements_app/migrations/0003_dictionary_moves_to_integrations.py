"""The data dictionary (field and value mappings) moves to the integrations app, which
reads it: the tables are renamed here, and ``integrations`` 0006 takes the models over
in its state. No row is copied, so the move takes no time whatever the data."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("requirements_app", "0002_drop_redundant_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable("fieldmapping", "integrations_fieldmapping"),
                migrations.AlterModelTable("valuemapping", "integrations_valuemapping"),
            ],
            state_operations=[
                migrations.RemoveField(model_name="valuemapping", name="field"),
                migrations.DeleteModel(name="FieldMapping"),
                migrations.DeleteModel(name="ValueMapping"),
            ],
        ),
    ]
