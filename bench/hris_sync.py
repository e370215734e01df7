"""Bulk sync of N employees: ours (one POST /api/v1/hris/sync, JSON parsing included) against
PostgreSQL COPY of the same rows into the people table (the limit: `ratio_vs_copy_into_people_table`
at most 2), into a bare staging table, and django-import-export importing the same rows as CSV
(what people use today; a development dependency, `--import-export-rows 0` skips it). Prints one
JSON line last.

Floors measured in the same run, so the gap to the bare COPY can be split into its parts: the
JSON parse of the same body (`parse_only_s`), the whole validation with nothing written (a dry run
of the same body, `dry_run_s`), and COPY of the same rows into people_employee itself with its
indexes and foreign keys (`copy_into_people_table_s`), without its foreign keys
(`copy_into_people_no_fk_s`) and with nothing but its primary key (`copy_into_people_pk_only_s`);
the last two drop constraints inside a transaction that is rolled back: information, never
something the sync may do. CPU seconds are given beside wall seconds (`*_cpu_s`: this process;
`*_db_cpu_s`: the PostgreSQL backend, when it runs on this machine), because wall time on a
shared machine varies by 2x.

    python -m bench.hris_sync --scale 100000 [--import-export-rows 5000 | 0]

Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/lb_bench_hris),
created and migrated when missing; the people tables are emptied first.
"""

import argparse
import csv
import io
import json
import os
import resource
import sys
import time

from bench._db import ensure_database
from bench._proc import cpu_seconds

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/lb_bench_hris"


def _setup(db_url: str):
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["HRIS_API_THROTTLE_RATE"] = "1000/second"
    os.environ.pop("REDIS_URL", None)
    ensure_database(db_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _empty_people():
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE people_employee, people_department, people_jobgroup RESTART IDENTITY CASCADE")


def _payload(n: int) -> dict:
    departments = [{"external_id": "D0", "name": "Organisation"}] + [
        {"external_id": f"D{i}", "name": f"Department {i}", "parent": "D0"} for i in range(1, 60)
    ]
    job_groups = [{"external_id": f"JG{i}", "name": f"Job group {i}"} for i in range(12)]
    levels = ["basic", "secondary", "bachelor", "master"]
    employees = []
    for i in range(n):
        row = {
            "external_id": f"E{i:07d}",
            "first_name": f"Voornaam{i}",
            "last_name": f"Achternaam {i}",
            "email": f"medewerker{i}@example.nl",
            "department": f"D{1 + i % 59}",
            "job_group": f"JG{i % 12}",
            "education_level": levels[i % 4],
            "fte": [1.0, 0.8, 0.6, 0.5][i % 4],
            "hired_on": f"20{10 + i % 15}-0{1 + i % 9}-1{i % 9}",
            "locale": "nl" if i % 5 else "en",
            "active": True,
        }
        if i:
            row["manager"] = f"E{(i - 1) // 10:07d}"  # a ten-wide tree, managers listed first
        employees.append(row)
    return {"mode": "partial", "departments": departments, "job_groups": job_groups, "employees": employees}


def _csv(rows) -> str:
    from people.models import EMPLOYEE_FIELDS as COLUMNS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in COLUMNS])
    return out.getvalue()


def _backend_cpu() -> float | None:
    """CPU seconds used so far by our PostgreSQL backend, when it runs on this machine."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    return cpu_seconds(pid)


class _Clock:
    """Wall, process CPU and backend CPU seconds of the block."""

    def __enter__(self):
        self.db0 = _backend_cpu()
        self.cpu0, self.wall0 = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0
        db1 = _backend_cpu()
        self.db = None if self.db0 is None or db1 is None else db1 - self.db0


def _ours(body: bytes, token: str) -> tuple[_Clock, dict]:
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {token}"})
    with _Clock() as clock:
        response = client.post("/api/v1/hris/sync", data=body, content_type="application/json")
    if response.status_code != 200:
        sys.exit(f"sync failed: {response.status_code} {response.content[:1000]!r}")
    return clock, response.json()


def _parse_only(body: bytes) -> _Clock:
    """The JSON parse of the same body, by the parser the view uses."""
    from hris import api

    with _Clock() as clock:
        api.json.loads(body)
    return clock


def _copy(text: str) -> float:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_staging")
        cur.execute(
            "CREATE UNLOGGED TABLE bench_staging (external_id text, first_name text, last_name text, email text,"
            " department text, job_group text, manager text, education_level text, fte numeric, hired_on date,"
            " locale text, active boolean)"
        )
        raw = cur.cursor
        start = time.perf_counter()
        raw.copy_expert("COPY bench_staging FROM STDIN WITH (FORMAT csv, HEADER true)", io.StringIO(text))
        elapsed = time.perf_counter() - start
        cur.execute("DROP TABLE bench_staging")
    return elapsed


def _copy_into_people(payload: dict, *, drop: str = "") -> _Clock:
    """The floor for writing into the real table: COPY the same rows into people_employee (its
    indexes, unique constraints and foreign-key checks made immediate), then roll back. With
    drop="fk" its foreign keys are dropped first, with drop="all" every constraint and index but
    the primary key, inside the same rolled-back transaction: what the table's checks cost."""
    from django.db import connection, transaction
    from django.utils import timezone

    from hris.bulkwrite import copy_text as _copy_text
    from people.models import Department, Employee, JobGroup

    _empty_people()
    Department.objects.bulk_create(
        [Department(external_id=d["external_id"], name=d["name"]) for d in payload["departments"]]
    )
    JobGroup.objects.bulk_create(
        [JobGroup(external_id=g["external_id"], name=g["name"]) for g in payload["job_groups"]]
    )
    departments = dict(Department.objects.values_list("external_id", "pk"))
    groups = dict(JobGroup.objects.values_list("external_id", "pk"))
    now = timezone.now()
    rows = []
    for i, e in enumerate(payload["employees"]):
        rows.append(
            {
                "id": i + 1,
                "user_id": None,
                "external_id": e["external_id"],
                "first_name": e["first_name"],
                "last_name": e["last_name"],
                "email": e["email"],
                "department_id": departments[e["department"]],
                "job_group_id": groups[e["job_group"]],
                "manager_id": (i - 1) // 10 + 1 if i else None,
                "education_level": e["education_level"],
                "fte": e["fte"],
                "hired_on": e["hired_on"],
                "locale": e["locale"],
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
        )
    fields = Employee._meta.concrete_fields
    buffer = _copy_text(rows, [f.attname for f in fields])
    columns = ", ".join(f.column for f in fields)
    table = connection.ops.quote_name(Employee._meta.db_table)
    with transaction.atomic(), connection.cursor() as cur:
        if drop:
            _drop_checks(cur, Employee._meta.db_table, everything=drop == "all")
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with _Clock() as clock:
            cur.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        transaction.set_rollback(True)
    return clock


def _drop_checks(cur, table: str, *, everything: bool):
    """Inside the caller's transaction (rolled back): drop the table's foreign keys, and with
    everything=True its other constraints and indexes too, all but the primary key."""
    kinds = ("f", "u", "c") if everything else ("f",)
    cur.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = ANY(%s)", [table, list(kinds)]
    )
    for (name,) in cur.fetchall():
        cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    if everything:
        cur.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass AND NOT indisprimary",
            [table],
        )
        for (name,) in cur.fetchall():
            cur.execute(f"DROP INDEX {name}")


def _import_export(payload: dict, rows: int) -> float:
    import tablib
    from import_export import fields, resources, widgets

    from people.models import EMPLOYEE_FIELDS, Department, Employee, JobGroup

    class EmployeeResource(resources.ModelResource):
        department = fields.Field("department", "department", widgets.ForeignKeyWidget(Department, "external_id"))
        job_group = fields.Field("job_group", "job_group", widgets.ForeignKeyWidget(JobGroup, "external_id"))
        manager = fields.Field("manager", "manager", widgets.ForeignKeyWidget(Employee, "external_id"))

        class Meta:
            model = Employee
            import_id_fields = ["external_id"]
            fields = EMPLOYEE_FIELDS
            skip_unchanged = True

    _empty_people()
    Department.objects.bulk_create(
        [Department(external_id=d["external_id"], name=d["name"]) for d in payload["departments"]]
    )
    JobGroup.objects.bulk_create(
        [JobGroup(external_id=g["external_id"], name=g["name"]) for g in payload["job_groups"]]
    )
    dataset = tablib.Dataset().load(_csv(payload["employees"][:rows]), format="csv")
    start = time.perf_counter()
    result = EmployeeResource().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    elapsed = time.perf_counter() - start
    if result.has_errors() or result.has_validation_errors():
        sys.exit("django-import-export reported errors")
    return elapsed


def _measure_ours(payload: dict, n: int) -> dict:
    """Ours through the API: the JSON parse alone, a dry run, the create, the same again."""
    from hris.services import api_client_create

    body = json.dumps(payload).encode()
    print(f"rows={n} body={len(body) / 2**20:.1f} MiB", flush=True)
    _empty_people()
    _client, token = api_client_create(name="bench", scopes=["hris:write"])
    # A small dry run first, so that no measured request pays for the first request's imports.
    _ours(json.dumps({**payload, "employees": payload["employees"][:10], "dry_run": True}).encode(), token)
    parse = _parse_only(body)
    print(f"JSON parse only: {parse.wall:.2f} s (CPU {parse.cpu:.2f} s)", flush=True)
    dry, summary = _ours(json.dumps({**payload, "dry_run": True}).encode(), token)
    assert summary["dry_run"] is True, summary
    assert summary["employees"]["created"] == n, summary
    print(f"ours, dry run (everything validated, nothing written): {dry.wall:.2f} s (CPU {dry.cpu:.2f} s)", flush=True)
    ours, summary = _ours(body, token)
    assert summary["employees"]["created"] == n, summary
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ours (create {n}): {ours.wall:.2f} s (CPU {ours.cpu:.2f} s, database CPU {_fmt(ours.db)} s)", flush=True)
    again, summary = _ours(body, token)
    assert summary["employees"]["unchanged"] == n, summary
    print(f"ours (same payload again, all unchanged): {again.wall:.2f} s (CPU {again.cpu:.2f} s)", flush=True)
    return {"parse": parse, "dry": dry, "ours": ours, "again": again, "peak_rss_mb": peak}


def _measure_floors(payload: dict) -> dict:
    """The COPYs the sync is held against: a bare staging table, and the people table itself."""
    copy_s = _copy(_csv(payload["employees"]))
    print(f"COPY into a bare staging table: {copy_s:.2f} s", flush=True)
    into = _copy_into_people(payload)
    print(f"COPY into people_employee (indexes and constraints, rolled back): {into.wall:.2f} s", flush=True)
    no_fk = _copy_into_people(payload, drop="fk")
    print(f"  the same without its foreign keys (dropped, rolled back): {no_fk.wall:.2f} s", flush=True)
    pk_only = _copy_into_people(payload, drop="all")
    print(f"  the same with only its primary key (rolled back): {pk_only.wall:.2f} s", flush=True)
    return {"copy_s": copy_s, "into": into, "no_fk": no_fk, "pk_only": pk_only}


def _measure_import_export(payload: dict, n: int, rows: int) -> dict:
    """django-import-export on a subset, extrapolated (0 rows: not measured; it is a dev dependency)."""
    rows = min(n, rows)
    if rows <= 0:
        return {"import_export_s": None, "import_export_rows": 0, "import_export_extrapolated": False}
    measured = _import_export(payload, rows)
    print(f"django-import-export: {measured:.2f} s for {rows} rows", flush=True)
    return {
        "import_export_s": round(measured * n / rows, 3),
        "import_export_rows": rows,
        "import_export_extrapolated": rows < n,
    }


def _result(n: int, m: dict, floors: dict, ie: dict) -> dict:
    ours, into, copy_s = m["ours"], floors["into"], floors["copy_s"]
    ratios = {
        "parse_only": m["parse"].wall / copy_s,
        "dry_run": m["dry"].wall / copy_s,
        "copy_into_people_table": into.wall / copy_s,
        "dry_run_plus_copy_into_people_table": (m["dry"].wall + into.wall) / copy_s,
    }
    return {
        "rows": n,
        "ours_s": round(ours.wall, 3),
        "copy_into_people_table_s": round(into.wall, 3),
        # The goal (docs/performance.md): ours within 2x of the COPY of the same rows into the table.
        "ratio_vs_copy_into_people_table": round(ours.wall / into.wall, 2),
        "limit": 2.0,
        "ours_unchanged_s": round(m["again"].wall, 3),
        "copy_s": round(copy_s, 3),
        "ratio_vs_copy": round(ours.wall / copy_s, 2),
        **ie,
        "speedup_vs_import_export": round(ie["import_export_s"] / ours.wall, 1) if ie["import_export_s"] else None,
        "peak_rss_mb": round(m["peak_rss_mb"], 1),
        "parse_only_s": round(m["parse"].wall, 3),
        "dry_run_s": round(m["dry"].wall, 3),
        "copy_into_people_no_fk_s": round(floors["no_fk"].wall, 3),
        "copy_into_people_pk_only_s": round(floors["pk_only"].wall, 3),
        "ours_cpu_s": round(ours.cpu, 3),
        "ours_db_cpu_s": _round(ours.db),
        "ours_unchanged_cpu_s": round(m["again"].cpu, 3),
        "dry_run_cpu_s": round(m["dry"].cpu, 3),
        "copy_into_people_table_db_cpu_s": _round(into.db),
        **{f"{name}_ratio_vs_copy": round(ratio, 2) for name, ratio in ratios.items()},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument(
        "--import-export-rows",
        type=int,
        default=5_000,
        help="rows for django-import-export (measured on this subset and extrapolated linearly; 0: skip)",
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    args = parser.parse_args(argv)
    _setup(args.database_url)
    payload = _payload(args.scale)
    measured = _measure_ours(payload, args.scale)
    floors = _measure_floors(payload)
    ie = _measure_import_export(payload, args.scale, args.import_export_rows)
    _empty_people()
    print(json.dumps(_result(args.scale, measured, floors, ie)))


def _fmt(seconds):
    return "n/a" if seconds is None else f"{seconds:.2f}"


def _round(seconds):
    return None if seconds is None else round(seconds, 3)


if __name__ == "__main__":
    main()
