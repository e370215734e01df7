"""Budget ledger benchmark: commitments on one hot budget against the same number spread over 1,000
budgets (same run, same worker processes, each with its own PostgreSQL connection), and allocation
for 50,000 employees as one set-based operation against a bare bulk insert of the same entries.

    python -m bench.budget_ledger --scale 1 [--workers 8] [--database-url postgres://...]

The last line is JSON: hot_per_s, spread_per_s, ratio (goal >= 0.3), deadlocks, overspent, and the
allocation figures. Uses its own database (lb_bench_budgets by default), dropped and rebuilt.
"""

import argparse
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass
class Enrolment:
    pk: int
    employee: object
    cost: Decimal
    hours: Decimal = Decimal(0)
    title: str = "bench"


def setup_django(url: str) -> None:
    from bench._db import ensure_database

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    ensure_database(url, fresh=True)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


@dataclass
class Ref:
    pk: int


def _worker(jobs, barrier, results):
    """One worker process with its own database connection: commit its share of the jobs."""
    from django.db import OperationalError, connection

    from budgets.services import InsufficientBudget, budget_commit

    connection.close()  # never share the parent's connection across fork
    counts = {"refused": 0, "deadlocks": 0}
    barrier.wait()
    for employee_id, cost, pk in jobs:
        try:
            budget_commit(enrolment=Enrolment(pk=pk, employee=Ref(employee_id), cost=cost))
        except InsufficientBudget:
            counts["refused"] += 1
        except OperationalError as exc:
            if "deadlock" not in str(exc):
                raise
            counts["deadlocks"] += 1
    connection.close()
    results.put(counts)


def run_commits(jobs, workers: int) -> tuple[float, int, int]:
    """Run (employee id, cost, enrolment id) jobs on `workers` processes, round robin; returns
    (seconds, refused, deadlocks)."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(workers + 1)
    results = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(jobs[i::workers], barrier, results)) for i in range(workers)]
    for proc in procs:
        proc.start()
    barrier.wait()
    start = time.perf_counter()
    totals = [results.get() for _ in procs]
    elapsed = time.perf_counter() - start
    for proc in procs:
        proc.join()
        if proc.exitcode:
            raise RuntimeError(f"worker exited with {proc.exitcode}")
    return elapsed, sum(t["refused"] for t in totals), sum(t["deadlocks"] for t in totals)


def make_employees(n: int, prefix: str):
    from people.models import Employee

    Employee.objects.bulk_create(
        [
            Employee(
                first_name="B", last_name=f"{prefix}{i}", email=f"{prefix}{i}@bench.invalid", external_id=f"{prefix}{i}"
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    return list(Employee.objects.filter(external_id__startswith=prefix).order_by("pk"))


def bench_commitments(commits: int, workers: int) -> dict:
    from budgets.models import Budget, BudgetPolicy
    from budgets.services import budget_allocate, budgets_recompute

    cost = Decimal("1.00")
    BudgetPolicy.objects.create(name="bench", amount=cost * commits, period_start=date(2020, 1, 1), pro_rata=False)
    hot = make_employees(1, "hot")
    spread = make_employees(1000, "spread")
    budget_allocate()
    rng = random.Random(1)
    hot_jobs = [(hot[0].pk, cost, 1_000_000 + i) for i in range(commits)]
    spread_jobs = [(rng.choice(spread).pk, cost, 2_000_000 + i) for i in range(commits)]
    hot_s, hot_refused, hot_dead = run_commits(hot_jobs, workers)
    spread_s, spread_refused, spread_dead = run_commits(spread_jobs, workers)
    problems = budgets_recompute()
    overspent = sum(1 for b in Budget.objects.all() if b.available < 0) + len(problems)
    return {
        "commits": commits,
        "workers": workers,
        "hot_per_s": round(commits / hot_s, 1),
        "spread_per_s": round(commits / spread_s, 1),
        "ratio": round((commits / hot_s) / (commits / spread_s), 3),
        "deadlocks": hot_dead + spread_dead,
        "refused": hot_refused + spread_refused,
        "overspent": overspent,
    }


def bench_allocation(employees: int) -> dict:
    from django.db import connection

    from budgets.models import Budget, BudgetPolicy
    from budgets.services import budget_allocate

    with connection.cursor() as cur:
        cur.execute("TRUNCATE budgets_ledgerentry, budgets_remindersent, budgets_budget, budgets_budgetpolicy CASCADE")
    from people.models import Employee

    Employee.objects.update(active=False)  # only the 50,000 below are allocated
    people = make_employees(employees, "alloc")
    policy = BudgetPolicy.objects.create(
        name="alloc", amount=Decimal("1000.00"), hours=Decimal(40), period_start=date(2020, 1, 1)
    )

    start = time.perf_counter()
    result = budget_allocate()
    allocate_s = time.perf_counter() - start
    assert result["created"] == employees, result
    again = time.perf_counter()
    second = budget_allocate()  # a second run: nothing to do
    rerun_s = time.perf_counter() - again
    assert second == {"created": 0, "reallocated": 0}, second
    BudgetPolicy.objects.filter(pk=policy.pk).update(amount=Decimal("1200.00"))
    again = time.perf_counter()
    third = budget_allocate()  # the policy changed: every budget re-allocated pro rata
    realloc_s = time.perf_counter() - again
    assert third["reallocated"] == employees, third
    first = list(Budget.objects.values_list("period_start", "period_end", "expires_on").distinct())
    with connection.cursor() as cur:
        cur.execute("TRUNCATE budgets_ledgerentry, budgets_budget CASCADE")
    bare_s = _bare_insert(people, policy, *first[0])
    return {
        "employees": employees,
        "allocate_s": round(allocate_s, 2),
        "bare_insert_s": round(bare_s, 2),
        "allocate_vs_bare": round(allocate_s / bare_s, 2),
        "rerun_s": round(rerun_s, 2),
        "reallocate_all_s": round(realloc_s, 2),
    }


def _bare_insert(people, policy, start_d, end_d, expires) -> float:
    """The limit: the same rows with their values precomputed, written by two plain multi-row INSERTs
    (budgets RETURNING ids, then their entries) with no policy lookup, no ORM and no conflict check."""
    from django.db import connection, transaction
    from django.utils import timezone
    from psycopg2.extras import execute_values

    now = timezone.now()
    amount, hours = Decimal("1000.00"), Decimal("40.00")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        ids = execute_values(
            cursor.cursor,
            "INSERT INTO budgets_budget (employee_id, policy_id, period_start, period_end, expires_on, allocated,"
            " committed, spent, hours_allocated, hours_used, entitlement, hours_entitlement, basis_amount,"
            " basis_hours, created_at) VALUES %s RETURNING id",
            [
                (e.pk, policy.pk, start_d, end_d, expires, amount, 0, 0, hours, 0, amount, hours, amount, hours, now)
                for e in people
            ],
            page_size=5000,
            fetch=True,
        )
        execute_values(
            cursor.cursor,
            "INSERT INTO budgets_ledgerentry (budget_id, kind, allocated, committed, spent, hours_allocated,"
            " hours_used, key, description, reason, created_at) VALUES %s",
            [
                (i, "allocation", amount, 0, 0, hours, 0, f"alloc:{i}:1", "Allocation for the period", "", now)
                for (i,) in ids
            ],
            page_size=5000,
        )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 2,000 commitments per side, 50,000 employees")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lb_bench_budgets"),
    )
    args = parser.parse_args()
    setup_django(args.database_url)
    commits = max(100, int(2000 * args.scale))
    employees = max(1000, int(50_000 * args.scale))
    result = bench_commitments(commits, args.workers)
    print(f"commitments: {json.dumps(result)}", file=sys.stderr)
    result.update(bench_allocation(employees))
    result["goal_ratio"] = 0.3
    result["ok"] = result["ratio"] >= 0.3 and result["deadlocks"] == 0 and result["overspent"] == 0
    print(json.dumps(result))


if __name__ == "__main__":
    main()
