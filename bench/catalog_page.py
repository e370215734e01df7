"""Throughput of the signed-in "for you" page against a trivial view, under gunicorn.

    python -m bench.catalog_page --scale 1     # 5,000 items and 50,000 employees

Both pages are served by the same gunicorn on 127.0.0.1 with the same middleware and the same
session cookie; the trivial view is mounted only by this benchmark's urlconf. The load comes from a
second process on loopback, bounded by a request count and a time limit. The database is
`lb_bench_catalog` (BENCH_DATABASE_URL overrides), seeded once per scale; the cache is Redis
(BENCH_REDIS_URL, default db 2 on localhost), as in production. The last line is JSON:
ours_rps, trivial_rps, ratio (goal: at least 0.5) and queries_per_page.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

from bench._db import ensure_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/lb_bench_catalog"


def _environment(db_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench._catalog_settings",
        "DATABASE_URL": db_url,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATIC_MANIFEST": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        # Redis as the cache, as in production (the "for you" rankings are cached per employee).
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2"),
        # Persistent database connections, as in production; the same for both pages.
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
    }


def _seed_items(rng, n_items: int, skills: list) -> list:
    from catalog.models import LEVELS, Format, LearningItem

    formats = list(Format.values)
    items = []
    for i in range(n_items):
        levels = set(rng.sample(LEVELS, rng.randint(1, 3)))
        items.append(
            LearningItem(
                title=f"Bench item {i}",
                provider="Bench",
                provider_key=f"B{i}",
                format=formats[i % len(formats)],
                language=rng.choice(["nl", "nl", "en", "multi"]),
                duration_hours=Decimal(rng.choice(["0.5", "1", "2", "4", "8", "16"])),
                cost=Decimal(rng.choice([0, 0, 25, 95, 250, 600])),
                **{f"level_{lv}": lv in levels for lv in LEVELS},
            )
        )
    items = LearningItem.objects.bulk_create(items, batch_size=2000)
    through = LearningItem.skills.through
    links = [
        through(learningitem_id=it.pk, skill_id=s.pk) for it in items for s in rng.sample(skills, rng.randint(1, 3))
    ]
    through.objects.bulk_create(links, batch_size=5000)
    return items


def _seed_people(rng, n_employees: int, teams: list, groups: list, items: list) -> list:
    """Employees, and two completed, rated enrolments for every second one."""
    from catalog.models import LEVELS, Enrolment, Status
    from people.models import Employee

    employees = Employee.objects.bulk_create(
        [
            Employee(
                first_name=f"First{i}",
                last_name=f"Last{i}",
                email=f"bench{i}@bench.example",
                department=teams[i % len(teams)],
                job_group=groups[i % len(groups)],
                education_level=LEVELS[i % 4],
                locale="nl" if i % 3 else "en",
            )
            for i in range(n_employees)
        ],
        batch_size=5000,
    )
    enrolments = [
        Enrolment(
            employee_id=e.pk, item_id=it.pk, motivation="bench", status=Status.COMPLETED, rating=rng.randint(2, 5)
        )
        for e in employees[::2]
        for it in rng.sample(items, 2)
    ]
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    return employees


def _seeded(n_items: int, n_employees: int) -> bool:
    from django.contrib.auth import get_user_model

    from catalog.models import LearningItem
    from people.models import Employee

    return (
        LearningItem.objects.filter(provider="Bench").count() == n_items
        and Employee.objects.count() == n_employees
        and get_user_model().objects.filter(username="bench").exists()
    )


def _seed(n_items: int, n_employees: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from catalog.models import JobGroupSkill, Skill
    from catalog.services import item_stats_refresh, learning_profile_update
    from people.models import Department, JobGroup

    if _seeded(n_items, n_employees):
        return
    print(f"seeding {n_items} items and {n_employees} employees ...", flush=True)
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE catalog_enrolment, catalog_itemdepartmentstat, catalog_learningitem_skills, catalog_session, "
            "catalog_mandatoryrule, catalog_learningprofile_needs, catalog_learningprofile, catalog_learningitem, "
            "catalog_jobgroupskill, catalog_skill, people_employee, people_department, people_jobgroup, "
            "django_session, auth_user CASCADE"
        )
    rng = random.Random(7)
    with transaction.atomic():
        root = Department.objects.create(name="Bench org")
        divisions = [Department.objects.create(name=f"Division {i}", parent=root) for i in range(10)]
        teams = [Department.objects.create(name=f"Team {i}", parent=divisions[i % 10]) for i in range(49)]
        groups = JobGroup.objects.bulk_create([JobGroup(name=f"Job group {i}") for i in range(20)])
        skills = Skill.objects.bulk_create([Skill(name=f"Skill {i}") for i in range(80)])
        JobGroupSkill.objects.bulk_create(
            [JobGroupSkill(job_group=g, skill=s) for g in groups for s in rng.sample(skills, 4)]
        )
        items = _seed_items(rng, n_items, skills)
        employees = _seed_people(rng, n_employees, teams, groups, items)
        me = employees[1]
        me.user = get_user_model().objects.create_user("bench", password="bench-pass-123")  # noqa: S106
        me.save(update_fields=["user"])
        learning_profile_update(employee=me, needs=skills[:2], preferred_formats=["coaching", "video"])
    item_stats_refresh()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def _session_cookie() -> str:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _queries_per_page(path: str, *, cold: bool = False) -> int:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="bench"))
    client.get(path)
    if cold:
        from catalog.selectors import catalog_changed

        catalog_changed()  # what a changed catalog does: every ranking is computed again
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return len(ctx)


def _cold_ranking_ms() -> float:
    """The ranking computed without the cache (a first visit, or after the catalog changed)."""
    import statistics

    from catalog.selectors import items_for_employee
    from people.models import Employee

    employee = Employee.objects.select_related("department", "job_group").get(user__username="bench")
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        items_for_employee(employee=employee, limit=12)
        timings.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(timings), 1)


def _wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not answer at {url}")


def _load(url, cookie, requests, seconds, concurrency, env) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench._load", url, cookie, str(requests), str(seconds), str(concurrency)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _serve_and_load(args, env, cookie, paths: dict) -> dict:
    """Requests per second of each page, round after round, against gunicorn on loopback."""
    base = f"http://127.0.0.1:{args.port}"
    command = ["-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers)]
    server = subprocess.Popen([sys.executable, *command, "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        _wait_for(f"{base}/healthz")
        for path in paths.values():  # warm every worker
            _load(base + path, cookie, 40, 10, args.workers * 2, env)
        runs = {name: [] for name in paths}
        # Rounds alternate the two pages, so a busy neighbour on the machine slows both alike; the
        # ratio is the median of the rounds' ratios.
        for _ in range(args.rounds):
            for name, path in paths.items():
                result = _load(base + path, cookie, args.requests, args.seconds, args.concurrency, env)
                if result["errors"]:
                    raise SystemExit(f"{name}: {result['errors']} failed requests")
                runs[name].append(result["rps"])
                print(f"{name:8} {result['done']:6d} requests in {result['seconds']:6.2f}s: {result['rps']:8.1f} req/s")
    finally:
        server.terminate()
        server.wait(20)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 5,000 items and 50,000 employees")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8102)))
    parser.add_argument("--requests", type=int, default=3000, help="at most this many requests per run")
    parser.add_argument("--seconds", type=float, default=10.0, help="at most this long per run")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    db_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    env = _environment(db_url)
    os.environ.update(env)
    ensure_database(db_url)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    n_items, n_employees = max(1, int(5000 * args.scale)), max(2, int(50000 * args.scale))
    _seed(n_items, n_employees)
    ours_path, trivial_path = "/catalog/", "/bench/trivial/"
    queries = _queries_per_page(ours_path)
    cold_queries = _queries_per_page(ours_path, cold=True)
    trivial_queries = _queries_per_page(trivial_path)
    cold_ms = _cold_ranking_ms()
    cookie = _session_cookie()

    runs = _serve_and_load(args, env, cookie, {"trivial": trivial_path, "ours": ours_path})
    import statistics

    ours = round(statistics.median(runs["ours"]), 1)
    trivial = round(statistics.median(runs["trivial"]), 1)
    ratio = round(statistics.median(o / t for o, t in zip(runs["ours"], runs["trivial"], strict=True)), 3)
    print(
        json.dumps(
            {
                "benchmark": "catalog_page",
                "items": n_items,
                "employees": n_employees,
                "ours_rps": ours,
                "trivial_rps": trivial,
                "ratio": ratio,
                "round_ratios": [round(o / t, 3) for o, t in zip(runs["ours"], runs["trivial"], strict=True)],
                "goal_ratio": 0.5,
                "queries_per_page": queries,
                "queries_per_page_cold": cold_queries,
                "trivial_queries": trivial_queries,
                "cold_ranking_ms": cold_ms,
                "workers": args.workers,
                "concurrency": args.concurrency,
            }
        )
    )


if __name__ == "__main__":
    main()
