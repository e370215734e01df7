"""Demo budgets: a policy for everyone, more specific ones, allocations, and some history for the
demo logins. Idempotent: keyed entries and get-or-create policies, so running it again adds nothing."""

from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from people.audience import Audience, AudienceKind
from people.models import Department, Employee, JobGroup

from .models import Budget, BudgetPolicy, CarryOver, EntryKind, LedgerEntry, OverBudget
from .selectors import current_budgets
from .services import budget_allocate
from .services.ledger import _apply, _lock


def _policy(name, **fields):
    policy, _ = BudgetPolicy.objects.get_or_create(name=name, defaults=fields)
    return policy


@transaction.atomic
def seed_budgets():
    year_start = date(timezone.localdate().year, 1, 1)
    _policy(
        "Everyone: personal learning budget",
        amount=Decimal("1000.00"),
        hours=Decimal("40"),
        period_start=year_start,
        carry_over=CarryOver.UP_TO,
        carry_over_limit=Decimal("250.00"),
        grace_days=31,
        spend_on="Courses, e-learning, conferences and coaching that fit your work or your next step.",
    )
    warehouse = JobGroup.objects.filter(external_id="JG-WH").first()
    if warehouse:
        _policy(
            "Warehouse staff: certificates and safety",
            audience=Audience.of(AudienceKind.JOB_GROUP, job_group=warehouse),
            amount=Decimal("750.00"),
            hours=Decimal("24"),
            period_start=year_start,
            spend_on="Forklift and safety certificates, Dutch language courses, mbo modules.",
        )
    it = Department.objects.filter(external_id="D40").first()
    if it:
        _policy(
            "IT: certifications",
            audience=Audience.of(AudienceKind.DEPARTMENT, department=it),
            amount=Decimal("2000.00"),
            hours=Decimal("60"),
            period_start=year_start,
            carry_over=CarryOver.ALL,
            over_budget=OverBudget.ROUTE_TO_LD,
            spend_on="Cloud and security certifications, conferences.",
        )
    operations = Department.objects.filter(external_id="D10").first()
    leads = JobGroup.objects.filter(external_id="JG-TL").first()
    if operations and leads:  # the most specific policy wins: these leads get this one, not the others
        _policy(
            "Operations team leads: leadership",
            audience=Audience.of(AudienceKind.DEPARTMENT_JOB_GROUP, department=operations, job_group=leads),
            amount=Decimal("1500.00"),
            hours=Decimal("40"),
            period_start=year_start,
            spend_on="Leadership and coaching programmes, safety leadership.",
        )
    budget_allocate()
    # The demo's enrolments (the catalog's demo step, after this one) commit and spend through the
    # real approval flow; here only an adjustment by L&D staff is added for the demo employee.
    hr_user = get_user_model().objects.filter(username="hr").first()
    employee = Employee.objects.filter(user__username="employee").first()
    budget = employee and Budget.objects.filter(employee=employee).order_by("-period_start").first()
    if budget is not None:
        key = f"demo:{budget.pk}:adjust"
        if not LedgerEntry.objects.filter(key=key).exists():
            _apply(
                _lock(budget.pk),
                LedgerEntry(
                    kind=EntryKind.ADJUSTMENT,
                    key=key,
                    allocated=Decimal("150.00"),
                    reason="Extra budget for the customer-service pilot programme.",
                    description="Adjustment",
                    created_by=hr_user,
                ),
            )


def history_budget_views(rows) -> int:
    """Demo history for monitoring's demo step: who first looked at their budget of the period
    when. `rows` are (employee_id, viewed_at); a budget already looked at keeps its moment, and a
    moment before the period began is moved to its first day. Returns how many were written."""
    written = 0
    budgets = {
        b.employee_id: b
        for b in current_budgets().filter(employee_id__in=[pk for pk, _at in rows], first_viewed_at=None)
    }
    for employee_id, viewed_at in rows:
        budget = budgets.get(employee_id)
        if budget is None:
            continue
        start = timezone.make_aware(datetime.combine(budget.period_start, time(9)))
        written += Budget.objects.filter(pk=budget.pk, first_viewed_at=None).update(
            first_viewed_at=max(viewed_at, start)
        )
    return written


def history_budget_spend(rows) -> int:
    """Demo history for monitoring's demo step: what this year's trainings of the story cost,
    spent from each person's current budget (never more than is left). `rows` are (employee_id,
    enrolment_id, cost, title); one spend per enrolment, so running it again adds nothing. Returns
    how many were booked."""
    booked = 0
    wanted = {enrolment_id for _e, enrolment_id, _c, _t in rows}
    done = set(
        LedgerEntry.objects.filter(kind=EntryKind.SPEND, enrolment_id__in=wanted).values_list("enrolment_id", flat=True)
    )
    budgets = {b.employee_id: b.pk for b in current_budgets().filter(employee_id__in=[r[0] for r in rows])}
    for employee_id, enrolment_id, cost, title in rows:
        if enrolment_id in done or employee_id not in budgets:
            continue
        budget = _lock(budgets[employee_id])
        amount = min(cost, budget.available)
        if amount <= 0:
            continue
        _apply(budget, LedgerEntry(kind=EntryKind.SPEND, enrolment_id=enrolment_id, spent=amount, description=title))
        booked += 1
    return booked
