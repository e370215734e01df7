"""A reminder round for N employees in scope, through a real Celery worker on Redis and the
delivery service, against a bare bulk insert (COPY) of the same delivery rows in the same run.

    python -m bench.reminders --scale 100000

Ours: from the moment two beat ticks are enqueued (at once, as two beat processes would) until the
claimed reminder is sent, i.e. every Delivery row (in-app and e-mail per employee) is in the
database. The limit: PostgreSQL COPY of exactly those rows for another message. The last line is
JSON with recipients, ours_s, bulk_insert_s, ratio, duplicates and lost.
"""

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from bench._db import ensure_database

DB_NAME = "lb_bench_policy"


def _prepare_env(args) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    os.environ["CELERY_BROKER_URL"] = args.redis
    os.environ["REDIS_URL"] = args.redis
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["TEST_WORKER_EMAIL_URL"] = "dummymail://"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    ensure_database(os.environ["DATABASE_URL"])


def _employees(n: int) -> None:
    from people.models import Department, Employee

    have = Employee.objects.filter(active=True).count()
    if have >= n:
        Employee.objects.filter(pk__in=list(Employee.objects.order_by("pk").values_list("pk", flat=True)[n:])).update(
            active=False
        )
        Employee.objects.filter(pk__in=list(Employee.objects.order_by("pk").values_list("pk", flat=True)[:n])).update(
            active=True
        )
        return
    department = Department.objects.get_or_create(external_id="BENCH", defaults={"name": "Bench"})[0]
    start = Employee.objects.count()
    for lo in range(start, n, 10000):
        Employee.objects.bulk_create(
            Employee(first_name="B", last_name=str(i), email=f"bench{i}@example.test", department=department)
            for i in range(lo, min(n, lo + 10000))
        )


def _fresh_moment(n: int) -> int:
    """The employees, a moment whose 15-minute reminder is due in the next tick; returns the rows
    expected (in-app and e-mail for every active employee)."""
    from django.db import connection
    from django.utils import timezone

    from comms.models import Delivery, Message
    from policy.models import LearningMoment
    from policy.services import moment_create

    _employees(n)
    Delivery.objects.filter(message__key__startswith="moment:").delete()
    Delivery.objects.filter(message__key="bench:bulk").delete()
    Message.objects.filter(key__startswith="moment:").delete()
    LearningMoment.objects.all().delete()
    start = (timezone.now() + timezone.timedelta(minutes=10)).replace(second=0, microsecond=0)
    local = timezone.localtime(start)
    moment_create(
        title="Bench moment",
        rrule="FREQ=DAILY",
        starts_on=local.date(),
        start_time=local.time(),
        duration_minutes=30,
        reminder_offsets=[15],
    )
    with connection.cursor() as cursor:  # earlier runs' deleted rows would slow both sides unevenly
        cursor.execute(f"VACUUM ANALYZE {Delivery._meta.db_table}")
    connection.close()
    return n * 2


def _ours(args) -> float:
    """Two beat ticks at once on a real worker, until the claimed reminder is sent."""
    from policy.models import ReminderRun
    from tests.workers import WorkerProcess

    log = Path(tempfile.mkdtemp()) / "worker.log"
    extra = {"POLICY_REMINDER_BATCH": str(args.batch)} if args.batch else {}
    worker = WorkerProcess(redis_url=args.redis, log_path=log, concurrency=args.concurrency, extra_env=extra)
    worker.start()
    try:
        t0 = time.perf_counter()
        worker.send("policy.reminders_tick_task")
        worker.send("policy.reminders_tick_task")
        deadline = time.monotonic() + 900
        while not ReminderRun.objects.filter(status="sent").exists():
            if time.monotonic() > deadline:
                sys.exit(f"no reminder sent in time:\n{worker.log()[-3000:]}")
            time.sleep(0.05)
        return time.perf_counter() - t0
    finally:
        worker.stop()


def _bulk(message) -> float:
    """The limit: COPY exactly the reminder's rows (same employees and channels) for another message."""
    from django.db import connection
    from django.utils import timezone

    from comms.models import Delivery, Message

    bulk_message, _ = Message.objects.update_or_create(
        key="bench:bulk", defaults={"subject": "bulk", "body": "bulk", "category": "reminders"}
    )
    rows = list(Delivery.objects.filter(message=message).values_list("employee_id", "channel", "status"))
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Delivery._meta.db_table}")
    now = timezone.now().isoformat()
    buffer = io.StringIO()
    for employee_id, channel, status in rows:
        buffer.write(f"{bulk_message.pk}\t{employee_id}\t{channel}\t{status}\t0\t\t{now}\n")
    buffer.seek(0)
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {Delivery._meta.db_table} (message_id, employee_id, channel, status, attempts, error, created_at)"
            " FROM STDIN",
            buffer,
        )
    bulk = time.perf_counter() - t0
    Delivery.objects.filter(message=bulk_message).delete()
    return bulk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--database", default=DB_NAME)
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"))
    parser.add_argument(
        "--concurrency", type=int, default=1, help="worker processes; above 1, e-mail sending overlaps the fan-out"
    )
    parser.add_argument("--batch", type=int, default=None, help="POLICY_REMINDER_BATCH for the worker")
    args = parser.parse_args()
    _prepare_env(args)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    call_command("migrate", verbosity=0)
    from comms.models import Delivery, Message
    from policy.models import ReminderRun

    expected = _fresh_moment(args.scale)
    ours = _ours(args)
    message = Message.objects.get(key__startswith="moment:")
    deliveries = Delivery.objects.filter(message=message)
    got = deliveries.count()
    duplicates = deliveries.values("employee_id", "channel").annotate(c=Count("pk")).filter(c__gt=1).count()
    runs = ReminderRun.objects.count()
    bulk = _bulk(message)
    print(f"reminder runs: {runs}; deliveries: {got} of {expected}")
    result = {"recipients": args.scale, "deliveries": got, "ours_s": round(ours, 3), "bulk_insert_s": round(bulk, 3)}
    result |= {"ratio": round(ours / bulk, 2), "duplicates": duplicates, "lost": expected - got, "reminder_runs": runs}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
