"""Indexes for the people directory of a large organisation (issue 21): the name order it lists
by, and, on PostgreSQL, trigram indexes for its search (`icontains` on first name, last name and
e-mail, which Django writes as UPPER(column::text) LIKE UPPER('%word%')), plus the HRIS key's
case-insensitive match. The trigram indexes exist only on PostgreSQL (pg_trgm): they are not in the
model state, so SQLite (the embedded mode) migrates, and rebuilds its tables, without them."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

SEARCHED = ("first_name", "last_name", "email")


class KeepTrigramExtension(TrigramExtension):
    """pg_trgm on PostgreSQL (TrigramExtension skips other databases going forward); going back it
    stays, since other indexes may use it, and SQLite has nothing to drop."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        return None


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS employee_{column}_trgm ON people_employee "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS employee_external_id_ci ON people_employee ((UPPER(external_id::text)))"
    )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [f"employee_{column}_trgm" for column in SEARCHED] + ["employee_external_id_ci"]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0008_names_single_line")]

    operations = [
        KeepTrigramExtension(),
        migrations.AddIndex(
            model_name="employee",
            index=models.Index(fields=["last_name", "first_name", "id"], name="employee_name_order"),
        ),
        migrations.RunPython(_create, _drop, elidable=False),
    ]
