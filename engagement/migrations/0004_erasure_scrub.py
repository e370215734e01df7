"""The activity ledger is still never edited, but erasure may replace a person's name in a label
someone typed (people migration 0015 explains `leerborg_erasure_scrub`)."""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION engagement_activity_append_only() RETURNS trigger AS $$
BEGIN
    IF leerborg_erasure_scrub(to_jsonb(OLD), to_jsonb(NEW)) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the activity ledger is append-only';
END;
$$ LANGUAGE plpgsql;
"""

BEFORE = """
CREATE OR REPLACE FUNCTION engagement_activity_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the activity ledger is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def _forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD, params=None)


def _backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BEFORE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0003_ambassadors"),
        ("people", "0015_erasure_scrub"),
    ]

    operations = [migrations.RunPython(_forward, _backward)]
