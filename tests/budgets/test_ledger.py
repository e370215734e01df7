"""The ledger through the enrolment signals: commit once, refuse with the amount missing, release,
spend (also an invoice that differs), adjustments, the database's last line, and the check command."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models import F

from budgets.models import Budget, EntryKind, LedgerEntry, OverBudget
from budgets.services import budget_adjust, budget_allocate, budgets_recompute
from catalog.exceptions import ApprovalRefused
from catalog.signals import enrolment_approving, enrolment_completed, enrolment_released
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def budget(policy, time_machine):
    time_machine.move_to("2026-06-01 10:00")
    e = EmployeeFactory()
    budget_allocate()
    return Budget.objects.get(employee=e)


def approve(enrolment, by=None):
    enrolment_approving.send(sender=None, enrolment=enrolment, by=by)


def balance(budget):
    budget.refresh_from_db()
    return budget.allocated, budget.committed, budget.spent, budget.available


def test_approving_twice_commits_once(budget, enrolment):
    enr = enrolment(budget.employee, "300.00")
    approve(enr)
    approve(enr)
    assert balance(budget) == (D(1000), D(300), D(0), D(700))
    assert LedgerEntry.objects.filter(enrolment_id=enr.pk).count() == 1


def test_database_refuses_a_second_commitment_for_one_enrolment(budget):
    LedgerEntry.objects.create(budget=budget, kind=EntryKind.COMMITMENT, committed=D(1), enrolment_id=77)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(budget=budget, kind=EntryKind.COMMITMENT, committed=D(1), enrolment_id=77)


def test_refusal_says_how_much_is_missing_and_commits_nothing(budget, enrolment):
    approve(enrolment(budget.employee, "800.00"))
    refused = enrolment(budget.employee, "250.00")
    with transaction.atomic():  # as the catalog's approval transaction, which goes on after a refusal
        with pytest.raises(ApprovalRefused) as exc:
            approve(refused)
        assert not LedgerEntry.objects.filter(enrolment_id=refused.pk).exists()
    assert exc.value.code == "insufficient_budget"
    assert "€50.00 is missing" in exc.value.message
    assert exc.value.route_to_ld is False
    assert balance(budget) == (D(1000), D(800), D(0), D(200))


def test_policy_can_route_an_uncovered_approval_to_ld(budget, enrolment):
    budget.policy.over_budget = OverBudget.ROUTE_TO_LD
    budget.policy.save()
    with pytest.raises(ApprovalRefused) as exc:
        approve(enrolment(budget.employee, "1000.01"))
    assert exc.value.route_to_ld is True
    assert "€0.01 is missing" in exc.value.message


def test_without_a_policy_for_the_employee_approval_commits_nothing(db, enrolment):
    """Budgets apply to the people a policy covers; for others the manager's approval decides."""
    approve(enrolment(EmployeeFactory(), "99.50"))
    assert LedgerEntry.objects.count() == 0
    assert Budget.objects.count() == 0


def test_an_employee_not_yet_allocated_is_allocated_on_first_approval(policy, enrolment):
    e = EmployeeFactory()  # created without the people services: no employees_changed was sent
    approve(enrolment(e, "100.00"))
    budget = Budget.objects.get(employee=e)
    assert (budget.allocated, budget.committed) == (D(1000), D(100))


def test_release_gives_the_commitment_back_once(budget, enrolment):
    enr = enrolment(budget.employee, "300.00")
    approve(enr)
    enrolment_released.send(sender=None, enrolment=enr)
    enrolment_released.send(sender=None, enrolment=enr)
    assert balance(budget) == (D(1000), D(0), D(0), D(1000))
    assert list(LedgerEntry.objects.filter(enrolment_id=enr.pk).values_list("kind", flat=True)) == [
        "commitment",
        "release",
    ]


def test_release_without_commitment_does_nothing(budget, enrolment):
    enrolment_released.send(sender=None, enrolment=enrolment(budget.employee, "10"))
    assert LedgerEntry.objects.filter(kind=EntryKind.RELEASE).count() == 0


@pytest.mark.parametrize(
    ("invoice", "spent", "available"),
    [(None, "300.00", "700.00"), ("250.00", "250.00", "750.00"), ("420.00", "420.00", "580.00")],
)
def test_completion_spends_the_commitment_or_the_invoice(budget, enrolment, invoice, spent, available):
    enr = enrolment(budget.employee, "300.00", hours=D("12.5"))
    approve(enr)
    amount = D(invoice) if invoice else None
    enrolment_completed.send(sender=None, enrolment=enr, amount=amount)
    enrolment_completed.send(sender=None, enrolment=enr, amount=amount)  # a retried task
    assert balance(budget) == (D(1000), D(0), D(spent), D(available))
    budget.refresh_from_db()
    assert budget.hours_used == D("12.50")
    assert LedgerEntry.objects.filter(enrolment_id=enr.pk, kind=EntryKind.SPEND).count() == 1


def test_invoice_above_what_is_left_never_takes_the_budget_below_zero(budget, enrolment):
    enr = enrolment(budget.employee, "900.00")
    approve(enr)
    enrolment_completed.send(sender=None, enrolment=enr, amount=D("1250.00"))
    assert balance(budget) == (D(1000), D(0), D(1000), D(0))
    assert "€250.00 not covered" in LedgerEntry.objects.get(enrolment_id=enr.pk, kind="spend").description


def test_adjustment_needs_a_reason_and_never_goes_below_zero(budget, enrolment, hr):
    approve(enrolment(budget.employee, "900.00"))
    with pytest.raises(ValidationError) as exc:
        budget_adjust(budget=budget, amount=D("-100.01"), reason="Correction", by=hr.user)
    assert "at most €100.00" in str(exc.value)
    with pytest.raises(ValidationError):
        budget_adjust(budget=budget, amount=D("50"), reason="  ", by=hr.user)
    budget_adjust(budget=budget, amount=D("-100.00"), reason="Double counted", by=hr.user)
    assert balance(budget) == (D(900), D(900), D(0), D(0))
    assert LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).count() == 1


def test_database_constraint_is_the_last_line(budget):
    with pytest.raises(IntegrityError), transaction.atomic():
        Budget.objects.filter(pk=budget.pk).update(committed=F("allocated") + D("0.01"))


def test_check_command_finds_a_planted_inconsistency(budget, enrolment):
    approve(enrolment(budget.employee, "100"))
    out = StringIO()
    call_command("budgets_check", stdout=out)
    assert "All budgets match" in out.getvalue()
    Budget.objects.filter(pk=budget.pk).update(spent=D("5.00"))  # a write that bypassed the ledger
    out = StringIO()
    with pytest.raises(CommandError, match="1 budget"):
        call_command("budgets_check", stdout=out)
    assert f"budget {budget.pk}: spent: row 5.00 ≠ ledger 0" in out.getvalue()
    assert [p["budget_id"] for p in budgets_recompute()] == [budget.pk]


def test_entries_are_never_changed_in_the_admin(budget, client, hr):
    from django.urls import reverse

    client.force_login(hr.user)
    entry = LedgerEntry.objects.first()
    assert client.get(reverse("admin:budgets_ledgerentry_delete", args=[entry.pk])).status_code == 403
    response = client.post(reverse("admin:budgets_ledgerentry_change", args=[entry.pk]), {"reason": "x"})
    assert response.status_code == 403
