"""Fan-out of one message to N recipients through a real Celery worker and Redis, against a bare
bulk insert of the same delivery rows measured in the same run.

    python -m bench.fanout --scale 100000 [--workers 2] [--sink smtp|dummy]

"ours" runs from `message_send` (in-app and e-mail rows, committed, tasks enqueued) until every
e-mail delivery is marked sent by the worker, with e-mail going over SMTP to a local sink on
127.0.0.1 (`--sink dummy`: Django's dummy backend, to see the cost of our own machinery without
the mail transport). "bulk_insert" is `bulk_create` of the same 2×N rows, nothing else. The last line is
JSON: recipients, ours_s, bulk_insert_s, ratio, duplicates, lost, peak memory, and a breakdown.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from bench._db import ensure_database
from bench._proc import cpu_seconds, tree_cpu_seconds

DB_NAME = "lb_bench_comms"


def _setup(redis_url: str):
    base = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
    os.environ["DATABASE_URL"] = base
    os.environ["CELERY_BROKER_URL"] = redis_url
    os.environ["REDIS_URL"] = redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    ensure_database(base)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _people(n: int) -> list[int]:
    from people.models import Employee

    have = Employee.objects.filter(external_id__startswith="BENCH-").count()
    if have < n:
        Employee.objects.bulk_create(
            [
                Employee(
                    external_id=f"BENCH-{i}", first_name=f"P{i}", last_name="Bench", email=f"bench{i}@example.test"
                )
                for i in range(have, n)
            ],
            batch_size=5000,
        )
    return list(
        Employee.objects.filter(external_id__startswith="BENCH-", active=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:n]
    )


def _reset():
    from comms.models import Delivery, Message

    Delivery.objects.all().delete()
    Message.objects.filter(key__startswith="bench-").delete()
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE comms_delivery")


def _bulk_insert(ids: list[int]) -> float:
    from django.db import transaction
    from django.utils import timezone

    from comms.models import Delivery, Message

    message = Message.objects.create(key="bench-bulk", subject="S", body="B", channels=["in_app", "email"])
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        Delivery.objects.bulk_create(
            [
                Delivery(message=message, employee_id=i, channel=c, status="queued", created_at=now)
                for i in ids
                for c in ("in_app", "email")
            ],
            batch_size=5000,
        )
    return time.perf_counter() - started


def _postmaster_cpu() -> float | None:
    """CPU seconds of PostgreSQL backends that have ended (the postmaster reaps them: its
    children's time), or None when the server's files are not readable from here."""
    from django.db import connection

    try:
        with connection.cursor() as cur:
            cur.execute("SHOW data_directory")
            data_dir = cur.fetchone()[0]
        pid = int(Path(data_dir, "postmaster.pid").read_text().split()[0])
    except Exception:  # another machine, no permission: the breakdown just lacks PostgreSQL
        return None
    return cpu_seconds(pid, ended_children=True)


def _cpu() -> dict:
    """CPU seconds so far: this process (the sink and the polling), its ended children (the
    worker), and the ended PostgreSQL backends (every task's connections end with the task)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "bench_and_sink": own.ru_utime + own.ru_stime,
        "worker": children.ru_utime + children.ru_stime,
        "postgres": _postmaster_cpu(),
    }


def _ours(ids, sink_url, redis_url, workers, log_dir, received=None) -> dict:
    from django.db import transaction

    from comms import services
    from comms.models import Delivery, Message
    from tests.workers import WorkerProcess, wait_for

    env = {"EMAIL_URL": sink_url}
    env.update({k: v for k, v in os.environ.items() if k.startswith("COMMS_")})  # tunables, e.g. COMMS_SEND_BATCH
    worker = WorkerProcess(
        redis_url=redis_url, log_path=Path(log_dir) / "worker.log", concurrency=workers, extra_env=env
    )
    worker.start()
    from django.db import connection

    connection.close()  # this connection's backend must not end inside the measurement
    cpu_before = _cpu()
    cpu_before["worker"] += tree_cpu_seconds(worker.proc.pid)  # its start-up is not part of the fan-out
    try:
        message = Message.objects.create(
            key="bench-ours", subject="Hello {{ first_name }}", body="New courses are waiting.", link="/catalog/"
        )
        message.channels = ["in_app", "email"]
        message.save()
        started = time.perf_counter()
        with transaction.atomic():
            created = services.message_send(message=message, employee_ids=ids)
        enqueued = time.perf_counter() - started
        sent = Delivery.objects.filter(message=message, channel="email", status="sent")
        if received is not None:
            # Watch the sink first: counting 100,000 rows twice a second cost PostgreSQL CPU
            # the fan-out competes for. The rows are then counted until the last mark is in.
            wait_for(lambda: received() >= len(ids), timeout=3600, interval=0.1, message="every e-mail received")
        wait_for(lambda: sent.count() >= len(ids), timeout=3600, interval=0.1, message="every e-mail sent")
        total = time.perf_counter() - started
    finally:
        worker.stop()
    connection.close()
    time.sleep(0.5)  # the postmaster reaps the ended backends
    cpu_after = _cpu()
    cpu = {
        k: round(cpu_after[k] - cpu_before[k], 2) if cpu_after[k] is not None and cpu_before[k] is not None else None
        for k in cpu_after
    }
    return {
        "created": created,
        "enqueue_s": round(enqueued, 3),
        "ours_s": round(total, 3),
        "message": message,
        "cpu_s": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2, help="worker pool processes")
    parser.add_argument("--sink", choices=["smtp", "dummy"], default="smtp")
    args = parser.parse_args()
    redis_url = os.environ.get("BENCH_REDIS_URL", os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/4"))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    _setup(redis_url)

    from comms import conf
    from comms.models import Delivery
    from tests.comms.sinks import SmtpSink

    ids = _people(args.scale)
    _reset()
    bulk_s = _bulk_insert(ids)
    _reset()
    with SmtpSink(keep_bodies=False) as sink, tempfile.TemporaryDirectory() as log_dir:
        url = sink.url if args.sink == "smtp" else "dummymail://"
        result = _ours(
            ids, url, redis_url, args.workers, log_dir, received=(lambda: sink.count) if args.sink == "smtp" else None
        )
        time.sleep(1.0)  # anything doubled would arrive now
        received = dict(sink.message_ids)
    message = result.pop("message")
    rows = Delivery.objects.filter(message=message)
    if args.sink == "dummy":  # nothing reaches a server: count the rows marked sent instead
        received = dict.fromkeys(rows.filter(channel="email", status="sent").values_list("pk", flat=True), 1)
    # Doubles at the mail server (same Message-ID twice) plus doubled rows (the constraint forbids them).
    db_dupes = rows.count() - rows.values("employee_id", "channel").distinct().count()
    duplicates = sum(c - 1 for c in received.values() if c > 1) + db_dupes
    lost = len(ids) - len(received)
    out = {
        "recipients": len(ids),
        "ours_s": result["ours_s"],
        "bulk_insert_s": round(bulk_s, 3),
        "ratio": round(result["ours_s"] / bulk_s, 2),
        "duplicates": duplicates,
        "lost": lost,
        "delivery_rows": rows.count(),
        "enqueue_s": result["enqueue_s"],
        "enqueue_vs_bulk_insert": round(result["enqueue_s"] / bulk_s, 2),
        "emails_per_s": round(len(ids) / max(result["ours_s"] - result["enqueue_s"], 1e-9), 1),
        "emails_received": sum(received.values()),
        # CPU seconds spent by ours (enqueue to last mark), by whom; per e-mail in milliseconds.
        "cpu_s": result["cpu_s"],
        "cpu_ms_per_email": round(sum(v for v in result["cpu_s"].values() if v is not None) * 1000 / len(ids), 3),
        "workers": args.workers,
        "sink": args.sink,
        "mark_every": int(os.environ.get("COMMS_MARK_EVERY", "1")),
        "send_batch": conf.send_batch(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        # Peak resident memory (MB) of this process: the ids, the bulk insert, the fan-out, the sink.
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
