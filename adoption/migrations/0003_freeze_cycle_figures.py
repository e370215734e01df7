"""A cycle's figures at the start, frozen in the database: on PostgreSQL a trigger refuses every
UPDATE that changes a CycleFigure's metric, group, cycle or numbers, and one that changes a cycle's
baseline day once it is set (cycle_start sets it once, from empty). Deleting stays possible (a
programme deleted takes its cycles with it). SQLite (the embedded mode) has no such guard; the code
never updates a figure either way (CycleFigure.save refuses)."""

from django.db import migrations

FREEZE = """
CREATE OR REPLACE FUNCTION adoption_cyclefigure_frozen() RETURNS trigger AS $$
BEGIN
    IF NEW.cycle_id IS DISTINCT FROM OLD.cycle_id
       OR NEW.metric IS DISTINCT FROM OLD.metric
       OR NEW."group" IS DISTINCT FROM OLD."group"
       OR NEW.value IS DISTINCT FROM OLD.value
       OR NEW.numerator IS DISTINCT FROM OLD.numerator
       OR NEW.denominator IS DISTINCT FROM OLD.denominator THEN
        RAISE EXCEPTION 'a cycle''s figures at the start are frozen: UPDATE refused'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER adoption_cyclefigure_frozen
    BEFORE UPDATE ON adoption_cyclefigure
    FOR EACH ROW EXECUTE FUNCTION adoption_cyclefigure_frozen();

CREATE OR REPLACE FUNCTION adoption_cycle_baseline_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.baseline_day IS NOT NULL AND NEW.baseline_day IS DISTINCT FROM OLD.baseline_day THEN
        RAISE EXCEPTION 'a cycle''s figures at the start are frozen: its baseline day cannot change'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER adoption_cycle_baseline_frozen
    BEFORE UPDATE OF baseline_day ON adoption_cycle
    FOR EACH ROW EXECUTE FUNCTION adoption_cycle_baseline_frozen();
"""
THAW = """
DROP TRIGGER IF EXISTS adoption_cyclefigure_frozen ON adoption_cyclefigure;
DROP FUNCTION IF EXISTS adoption_cyclefigure_frozen();
DROP TRIGGER IF EXISTS adoption_cycle_baseline_frozen ON adoption_cycle;
DROP FUNCTION IF EXISTS adoption_cycle_baseline_frozen();
"""


def _freeze(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FREEZE, params=None)


def _thaw(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(THAW, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("adoption", "0002_sponsor_message"),
    ]

    operations = [migrations.RunPython(_freeze, _thaw)]
