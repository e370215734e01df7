"""A goal transition is still never edited, but erasure may replace a person's name in a comment
someone typed (people migration 0015 explains `leerborg_erasure_scrub`)."""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION goals_transition_unchanged() RETURNS trigger AS $$
BEGIN
    IF leerborg_erasure_scrub(to_jsonb(OLD), to_jsonb(NEW)) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a goal transition is never edited';
END;
$$ LANGUAGE plpgsql;
"""

BEFORE = """
CREATE OR REPLACE FUNCTION goals_transition_unchanged() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a goal transition is never edited';
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
        ("goals", "0002_transition_time"),
        ("people", "0015_erasure_scrub"),
    ]

    operations = [migrations.RunPython(_forward, _backward)]
