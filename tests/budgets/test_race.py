"""50 approvals at once against a budget that fits exactly 10: exactly 10 succeed, on PostgreSQL with
real threads and their own connections. Without the guard (the availability condition that the
database checks when it writes), more than 10 get past the check and only the table's CHECK
constraint, the last line, stops the rest: with an error instead of a refusal."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Q

from budgets import services
from budgets.models import Budget, BudgetPolicy, EntryKind, LedgerEntry
from catalog.exceptions import ApprovalRefused
from catalog.signals import enrolment_approving
from tests.budgets.conftest import FakeEnrolment
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.postgres

N, K, COST = 50, 10, Decimal("100.00")


@pytest.fixture
def tight_budget(transactional_db, require_postgres):
    from datetime import date

    BudgetPolicy.objects.create(name="Tight", amount=COST * K, period_start=date(2020, 1, 1))
    employee = EmployeeFactory()
    services.budget_allocate()
    return Budget.objects.get(employee=employee)


def run_parallel(budget) -> tuple[int, int, list]:
    barrier = threading.Barrier(N)
    results, errors = [], []
    lock = threading.Lock()

    def approve(i):
        try:
            barrier.wait()
            enrolment = FakeEnrolment(employee=budget.employee, cost=COST, pk=10_000 + i)
            try:
                enrolment_approving.send(sender=None, enrolment=enrolment, by=None)
                outcome = "ok"
            except ApprovalRefused as exc:
                outcome = exc.message
            with lock:
                results.append(outcome)
        except Exception as exc:  # any other failure must fail the test below
            with lock:
                errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    ok = sum(1 for r in results if r == "ok")
    refused = [r for r in results if r != "ok"]
    return ok, len(refused), refused + errors


def ledger_committed(budget) -> Decimal:
    return sum(e.committed for e in LedgerEntry.objects.filter(budget=budget, kind=EntryKind.COMMITMENT))


def _slowly(func):
    """The same call, then a pause while its transaction (and the row lock it took) stays open."""

    def slow(*args):
        result = func(*args)
        time.sleep(0.02)
        return result

    return slow


def test_budget_never_goes_negative_under_concurrent_commits(tight_budget, monkeypatch):
    monkeypatch.setattr(services.ledger, "_move_if_covered", _slowly(services.ledger._move_if_covered))
    ok, refused, messages = run_parallel(tight_budget)
    assert (ok, refused) == (K, N - K), messages[:3]
    assert all("Not enough budget" in m and "€100.00 is missing" in m for m in messages)
    tight_budget.refresh_from_db()
    assert tight_budget.available == 0
    assert ledger_committed(tight_budget) == tight_budget.committed == COST * K
    assert services.budgets_recompute() == []


def _checked_when_read(budget_id):
    """The guard removed: the condition is decided on the balance as read before the write (what a
    read-check-write does), not by the database when it writes."""

    def covered(cost):
        budget = Budget.objects.get(pk=budget_id)
        time.sleep(0.02)  # between the read and the write
        return Q() if budget.available >= cost else Q(pk__in=[])

    return covered


def test_negative_control_without_the_guard_more_commits_get_past_the_check(tight_budget, monkeypatch):
    monkeypatch.setattr(services.ledger, "_covered", _checked_when_read(tight_budget.pk))
    ok, _refused, messages = run_parallel(tight_budget)
    overspends = [m for m in messages if "budget_available_not_negative" in m]
    # More approvals than the budget covers got past the check; the CHECK constraint refused them.
    assert ok == K
    assert overspends, messages[:3]
    assert ok + len(overspends) > K
    tight_budget.refresh_from_db()
    assert tight_budget.available == 0


def test_ten_simultaneous_clicks_on_approve_commit_once(tight_budget):
    barrier = threading.Barrier(10)
    outcomes, lock = [], threading.Lock()
    enrolment = FakeEnrolment(employee=tight_budget.employee, cost=COST, pk=77_777)

    def click():
        try:
            barrier.wait()
            enrolment_approving.send(sender=None, enrolment=enrolment, by=None)
            with lock:
                outcomes.append("ok")
        except Exception as exc:  # any failure must show in the assertion below
            with lock:
                outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes == ["ok"] * 10
    assert LedgerEntry.objects.filter(enrolment_id=77_777).count() == 1
    tight_budget.refresh_from_db()
    assert tight_budget.committed == COST
