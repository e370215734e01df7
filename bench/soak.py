"""Soak: N people use Leerborg on loopback while Redis (cache and broker) is frozen for a minute.

    python -m bench.soak --scale 50            # 50 people, 3 minutes, Redis frozen in minute 2
    python -m bench.soak --scale 10 --seconds 60 --fault-seconds 20

gunicorn (2 workers), a Celery worker and beat run against the benchmark's own database
(`lb_bench_soak`, BENCH_DATABASE_URL overrides) and a redis-server of the benchmark's own on a free
port, which is frozen with SIGSTOP in the middle of the run and thawed again (the machine's Redis
is never touched). The people: employees open their home and "for you", request a cheap training
(approved at once), start it and complete it with a rating, or cancel it; managers read their
approvals; L&D staff read the offer's diversity and export the directory. After the run the
benchmark waits for the outbox to drain and counts in the database:
- lost_effects: acknowledged actions whose row is missing or in the wrong state, outbox tasks never
  published, and completions missing from the per-department statistics the relayed task keeps;
- doubled_effects: enrolments beyond one per request made, statistics counting a completion twice.
The last line is JSON: requests, errors_5xx, p50_ms, p95_ms, p95_during_fault_ms, lost_effects,
doubled_effects, rss_growth_pct of the web workers (goals: 0, 0, 0 and under 10 %).
"""

import argparse
import http.cookiejar
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

from bench._db import ensure_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/lb_bench_soak"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Person:
    """One simulated person: a cookie jar with a signed-in session, and what they did."""

    def __init__(self, base: str, session_cookie: tuple[str, str], role: str, employee_id: int, log):
        self.base, self.role, self.employee_id, self.log = base, role, employee_id, log
        self.jar = http.cookiejar.CookieJar()
        self.jar.set_cookie(_cookie(*session_cookie))
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.acks: list[tuple[str, int]] = []  # (what, enrolment id) the server confirmed

    def call(self, path: str, data: dict | None = None) -> tuple[int, str]:
        headers = {}
        if data is not None:
            token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
            headers = {"X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded"}
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 - loopback
        start = time.monotonic()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, location = response.status, ""
                response.read()
        except urllib.error.HTTPError as exc:
            status, location = exc.code, exc.headers.get("Location", "")
            exc.read()
        except OSError:
            status, location = 599, ""
        self.log(start, time.monotonic(), status)
        return status, location


def _cookie(name: str, value: str) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, False, None, None, {}
    )


def _employee_turn(person: Person, items: list[int], rng: random.Random) -> None:
    person.call("/")
    person.call("/catalog/")
    item = rng.choice(items)
    status, location = person.call(f"/catalog/items/{item}/request/", {"motivation": "soak"})
    if status != 302 or "/enrolments/" not in location:
        return
    pk = int(location.rstrip("/").rsplit("/", 1)[1])
    person.acks.append(("requested", pk))
    if rng.random() < 0.5:
        if person.call(f"/catalog/enrolments/{pk}/cancel/", {})[0] == 302:
            person.acks.append(("cancelled", pk))
        return
    if person.call(f"/catalog/enrolments/{pk}/start/", {})[0] == 302:
        done = person.call(f"/catalog/enrolments/{pk}/complete/", {"rating": "4", "helped_in_work": "yes"})
        if done[0] == 302:
            person.acks.append(("completed", pk))


def _turn(person: Person, items: list[int], rng: random.Random) -> None:
    if person.role == "manager":
        person.call("/catalog/approvals/")
        person.call("/catalog/team/")
    elif person.role == "hr":
        person.call("/catalog/diversity/")
        person.call("/people/?export=csv")
    else:
        _employee_turn(person, items, rng)


def _seed(n_people: int) -> dict:
    """A fresh organisation: a manager per ten employees, one L&D person, 40 cheap items."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from catalog.models import CatalogSettings, LearningItem
    from people.models import Department, Employee, JobGroup
    from tests.factories import UserFactory

    call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)  # the flush removed what data migrations made
    settings = CatalogSettings.current()
    settings.approval_threshold = Decimal("500")
    settings.save()
    dept = Department.objects.create(name="Soak")
    group = JobGroup.objects.create(name="Soak group")
    items = [
        LearningItem.objects.create(
            title=f"Soak item {i}", provider="Soak", cost=Decimal("20"), level_basic=True, duration_hours=Decimal("1")
        )
        for i in range(40)
    ]
    people = []
    manager = None
    for i in range(n_people):
        role = "hr" if i == 0 else "manager" if i % 10 == 1 else "employee"
        user = UserFactory(username=f"soak{i}")
        employee = Employee.objects.create(
            user=user,
            first_name=f"Soak{i}",
            last_name="Person",
            email=f"soak{i}@soak.example",
            department=dept,
            job_group=group,
            education_level="basic",
            manager=manager if role == "employee" else None,
        )
        if role == "manager":
            manager = employee
        if role == "hr":
            user.groups.add(Group.objects.get_or_create(name="L&D staff")[0])
        people.append((role, employee.pk, user))
    return {"people": people, "items": [i.pk for i in items]}


def _session(user) -> tuple[str, str]:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


def _rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _wait_for(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"no answer at {url}")


def _count_effects(acks: list[tuple[str, int]], timeout: float, broker_url: str) -> dict:
    """Wait for the outbox to drain and the worker to run everything queued, then compare what
    people were told with the database. (Counting while the worker still had a queue once showed
    its backlog as lost effects: 9 completions at scale 50 whose statistics task was still queued.)"""
    import redis

    from catalog.models import Enrolment, ItemDepartmentStat, Status
    from ops.models import OutboxTask

    started = time.monotonic()
    deadline = started + timeout
    while OutboxTask.objects.filter(sent_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(1)
    broker = redis.Redis.from_url(broker_url)
    quiet = 0
    while quiet < 3 and time.monotonic() < deadline:  # queue and the worker's unacked set empty, 3 s in a row
        busy = broker.llen("celery") or broker.hlen("unacked")
        quiet = 0 if busy else quiet + 1
        time.sleep(1)
    drained_s = round(time.monotonic() - started, 1)
    expected = {}
    for what, pk in acks:
        expected[pk] = what if what != "requested" or pk not in expected else expected[pk]
    rows = dict(Enrolment.objects.filter(pk__in=expected).values_list("pk", "status"))
    want = {"requested": {Status.APPROVED}, "cancelled": {Status.CANCELLED}, "completed": {Status.COMPLETED}}
    lost = sum(1 for pk, what in expected.items() if rows.get(pk) not in want[what])
    lost += OutboxTask.objects.filter(sent_at__isnull=True).count()
    completions = Enrolment.objects.filter(status=Status.COMPLETED).count()
    counted = sum(ItemDepartmentStat.objects.values_list("completions", flat=True))
    lost += max(completions - counted, 0)
    doubled = max(counted - completions, 0) + max(Enrolment.objects.count() - len(expected), 0)
    return {
        "lost_effects": lost,
        "doubled_effects": doubled,
        "acknowledged": len(acks),
        "completions": completions,
        "drain_s": drained_s,
    }


def _environment(db_url: str, redis_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATIC_MANIFEST": "false",
        "LOG_LEVEL": "ERROR",
        "CONN_MAX_AGE": "60",
        "BEAT_FREQUENT_SECONDS": "2",
        "EMAIL_URL": "dummymail://",
    }


def _start(env: dict, folder: Path, port: int) -> list[subprocess.Popen]:
    def run(name, *command):
        log = open(folder / f"{name}.log", "ab")  # noqa: SIM115 - for the process's lifetime
        return subprocess.Popen([sys.executable, "-m", *command], cwd=ROOT, env=env, stdout=log, stderr=log)

    return [
        run("web", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"),
        run(
            "worker",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ),
        run(
            "beat",
            "celery",
            "-A",
            "config",
            "beat",
            "--scheduler",
            "django_celery_beat.schedulers:DatabaseScheduler",
            "--pidfile=",
            "--loglevel",
            "WARNING",
        ),
    ]


def _drive(people: list[Person], items: list[int], seconds: float, think: float) -> None:
    stop = time.monotonic() + seconds

    def live(person: Person, seed: int):
        rng = random.Random(seed)
        while time.monotonic() < stop:
            _turn(person, items, rng)
            time.sleep(rng.uniform(0.5, 1.5) * think)

    threads = [threading.Thread(target=live, args=(p, i), daemon=True) for i, p in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=50, help="simulated people")
    parser.add_argument("--seconds", type=float, default=180.0, help="length of the run")
    parser.add_argument("--fault-seconds", type=float, default=60.0, help="how long Redis is frozen")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between a person's turns")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8131)))
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from tests.ops.servers import OwnRedis

    folder = Path(tempfile.mkdtemp(prefix="leerborg-soak-"))
    redis_server = OwnRedis(folder / "redis").start()
    try:
        _run(args, folder, redis_server)
    finally:
        redis_server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _run(args, folder: Path, redis_server) -> None:
    db_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    env = _environment(db_url, redis_server.url)
    os.environ.update(env)
    ensure_database(db_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    org = _seed(args.scale)
    samples: list[tuple[float, float, int]] = []
    lock = threading.Lock()

    def log(start, end, status):
        with lock:
            samples.append((start, end, status))

    base = f"http://127.0.0.1:{args.port}"
    people = [Person(base, _session(user), role, pk, log) for role, pk, user in org["people"]]
    processes = _start(env, folder, args.port)
    try:
        _wait_for(f"{base}/healthz")
        web_workers = _children(processes[0].pid)
        fault_at = time.monotonic() + (args.seconds - args.fault_seconds) / 2
        driver = threading.Thread(target=_drive, args=(people, org["items"], args.seconds, args.think))
        driver.start()
        time.sleep(min(15.0, args.seconds / 6))
        rss_start = _rss_kb(web_workers)
        time.sleep(max(fault_at - time.monotonic(), 0))
        redis_server.freeze()
        print(f"Redis frozen for {args.fault_seconds:.0f} s", flush=True)
        time.sleep(args.fault_seconds)
        redis_server.thaw()
        fault = (fault_at, fault_at + args.fault_seconds)
        driver.join()
        rss_end = _rss_kb(web_workers)
        effects = _count_effects([a for p in people for a in p.acks], timeout=300, broker_url=redis_server.url)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        redis_server.thaw()

    latencies = [(e - s) * 1000 for s, e, _ in samples]
    during = [(e - s) * 1000 for s, e, _ in samples if fault[0] <= s < fault[1]]
    print(
        json.dumps(
            {
                "benchmark": "soak",
                "people": args.scale,
                "seconds": args.seconds,
                "fault_seconds": args.fault_seconds,
                "requests": len(samples),
                "errors_5xx": sum(1 for *_, status in samples if status >= 500),
                "p50_ms": _percentile(latencies, 50),
                "p95_ms": _percentile(latencies, 95),
                "p95_during_fault_ms": _percentile(during, 95),
                "requests_during_fault": len(during),
                **effects,
                "rss_start_kb": rss_start,
                "rss_end_kb": rss_end,
                "rss_growth_pct": round((rss_end - rss_start) / rss_start * 100, 1) if rss_start else None,
                "goal": {"errors_5xx": 0, "lost_effects": 0, "doubled_effects": 0, "rss_growth_pct": 10},
            }
        )
    )


if __name__ == "__main__":
    main()
