"""Erasure may scrub a name out of the append-only tables, and nothing else may change them.

The audit trail (people), goal transitions (goals) and the activity ledger (engagement) refuse every
UPDATE by a trigger. Their rows name people by id, but some columns hold text someone typed ("extra
budget for Jan Jansen"), and erasure must leave the name nowhere (issue 18). So each trigger lets
exactly one kind of UPDATE through, decided by `leerborg_erasure_scrub(old, new)` below: inside a
transaction that set `leerborg.erasure = 'scrub'` (set_config(..., true), which
`people.privacy.sweep` does and clears again as soon as it is done), every column that changes must
carry the erasure marker `[erased]` in its new value. Who, when, what, the object and the amounts
(ids, dates, numbers) can therefore never change; DELETE of an audit entry is still always refused.
SQLite (the embedded mode) has no triggers, as before."""

from django.db import migrations

SCRUB_CHECK = """
CREATE OR REPLACE FUNCTION leerborg_erasure_scrub(old_row jsonb, new_row jsonb) RETURNS boolean AS $$
    SELECT coalesce(current_setting('leerborg.erasure', true), '') = 'scrub'
       AND NOT EXISTS (
           SELECT 1 FROM jsonb_each(new_row) AS n JOIN jsonb_each(old_row) AS o USING (key)
           WHERE n.value IS DISTINCT FROM o.value AND position('[erased]' in n.value::text) = 0
       );
$$ LANGUAGE sql STABLE;
"""

AUDIT = """
CREATE OR REPLACE FUNCTION people_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND leerborg_erasure_scrub(to_jsonb(OLD), to_jsonb(NEW)) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""

AUDIT_BEFORE = """
CREATE OR REPLACE FUNCTION people_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
DROP FUNCTION IF EXISTS leerborg_erasure_scrub(jsonb, jsonb);
"""


def _forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SCRUB_CHECK, params=None)
        schema_editor.execute(AUDIT, params=None)


def _backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_BEFORE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0014_audit_sponsor_message"),
    ]

    operations = [migrations.RunPython(_forward, _backward)]
