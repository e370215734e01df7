"""Writing many rows of one model: the bulk sync's writer, behind one small interface.

Two writers give the same result (`tests/hris/test_bulkwrite.py` runs a sync through each and
compares the tables):
- `OrmWriter`, the plain reference: `bulk_create` and `bulk_update`, any database.
- `CopyWriter`, the fast path on PostgreSQL: rows as COPY text, straight into the table, and
  updates through a temporary table and one `UPDATE ... FROM`.
`writer_for(connection)` picks the fast one where it works. Figures: docs/performance.md.

Rows are dicts of attname -> value with their `id` set: ids are reserved first (`new_ids`), so
rows of one batch can point at each other; foreign keys are checked at commit.
"""

import io
import re

from django.db import connection

BATCH = 2000
_COPY_CHUNK = 1 << 20  # bytes per write to the server during COPY


def new_ids(model, count: int) -> list[int]:
    """Reserve `count` primary keys of the model's table."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence is looked up once (inside the SELECT it was looked up per row).
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - our own table name
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


class OrmWriter:
    """The reference: Django's bulk operations."""

    def insert(self, model, rows: list[dict]) -> None:
        model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH)

    def update(self, model, rows: list[dict], fields: list[str]) -> None:
        model.objects.bulk_update([model(**row) for row in rows], fields, batch_size=500)


# COPY's text format: tab between values, \N for NULL, and backslash escapes in text.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")


def _copy_column(values: list) -> list[str]:
    """One column's values as COPY text."""
    kinds = set(map(type, values)) - {type(None)}
    if kinds == {str}:
        if _COPY_SPECIAL.search("".join(v for v in values if v is not None)):
            return ["\\N" if v is None else v.translate(_COPY_ESCAPES) for v in values]
        return ["\\N" if v is None else v for v in values]
    if kinds == {int}:
        return ["\\N" if v is None else str(v) for v in values]
    # Dates, times, amounts and flags repeat: each distinct value is turned into text once (values
    # equal in Python are equal in PostgreSQL too: 1.0 and 1.00, True and 1).
    texts = {None: "\\N"}
    return [
        texts[v] if v in texts else texts.setdefault(v, v.translate(_COPY_ESCAPES) if type(v) is str else str(v))
        for v in values
    ]


def copy_text(rows: list[dict], attnames: list[str]) -> io.BytesIO:
    """Rows (attname -> value) in COPY's text format, built a column at a time, as UTF-8 bytes
    (Django's connections use that client encoding)."""
    columns = [_copy_column([row.get(name) for row in rows]) for name in attnames]
    return io.BytesIO(("\n".join(map("\t".join, zip(*columns, strict=True))) + "\n").encode())


class CopyWriter:
    """PostgreSQL only: COPY for inserts, a temporary table and one UPDATE ... FROM for updates."""

    def insert(self, model, rows: list[dict]) -> None:
        fields = model._meta.concrete_fields
        buffer = copy_text(rows, [f.attname for f in fields])
        quoted = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor, connection.wrap_database_errors:
            cursor.cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", buffer, size=_COPY_CHUNK)

    def update(self, model, rows: list[dict], fields: list[str]) -> None:
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        attnames = ["id", *(model._meta.get_field(f).attname for f in fields)]
        columns = [quote(model._meta.get_field(a).column) for a in attnames]
        listed = ", ".join(columns)
        sets = ", ".join(f"{c} = t.{c}" for c in columns[1:])
        with connection.cursor() as cursor:
            # The columns' types without their constraints: a partial row is fine here.
            cursor.execute(
                f"CREATE TEMPORARY TABLE hris_sync_rows ON COMMIT DROP AS SELECT {listed} FROM {table} WITH NO DATA"  # noqa: S608
            )
            with connection.wrap_database_errors:
                cursor.cursor.copy_expert(
                    f"COPY hris_sync_rows ({listed}) FROM STDIN", copy_text(rows, attnames), size=_COPY_CHUNK
                )
            cursor.execute(f"UPDATE {table} AS e SET {sets} FROM hris_sync_rows AS t WHERE e.id = t.id")  # noqa: S608
            cursor.execute("DROP TABLE hris_sync_rows")


def writer_for(conn) -> OrmWriter | CopyWriter:
    return CopyWriter() if conn.vendor == "postgresql" else OrmWriter()
