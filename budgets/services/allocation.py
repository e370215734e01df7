"""Budget policies and allocation: which policy applies, the period and the entitlement, and budgets
allocated and re-allocated pro rata for any number of employees in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ops.outbox import outbox_enqueue
from people.audience import AudienceKind, AudienceMatcher, MemberRow
from people.audit import audit_record, field_changes, record_fields, saved_version
from people.models import Employee

from ..models import ZERO, Budget, BudgetPolicy, EntryKind, LedgerEntry, cents
from ..selectors import budget_overview_forget


def policy_period(policy: BudgetPolicy, on: date) -> tuple[date, date]:
    """The period of `policy` that contains `on`: (first day, last day)."""

    def start_of(n: int) -> date:
        return policy.period_start + relativedelta(months=n * policy.period_months)

    n = ((on.year - policy.period_start.year) * 12 + (on.month - policy.period_start.month)) // policy.period_months
    while start_of(n) > on:
        n -= 1
    while start_of(n + 1) <= on:  # month-end clamping (31 January + 1 month) can land short
        n += 1
    start, end = start_of(n), start_of(n + 1) - timedelta(days=1)
    return start, end


# For an employee the most specific active policy wins: a department and a job group together, then
# a job group, then the deepest department (the fewest levels above the employee's), then everyone's;
# the oldest policy breaks a tie.
SPECIFICITY = {
    AudienceKind.DEPARTMENT_JOB_GROUP: 3,
    AudienceKind.JOB_GROUP: 2,
    AudienceKind.DEPARTMENT: 1,
    AudienceKind.EVERYONE: 0,
}


@dataclass
class PolicyResolver:
    """Picks the most specific active policy per employee: membership from people's audience
    matcher, loaded once (one query for the department links) for any number of employees."""

    policies: list
    matcher: AudienceMatcher
    cache: dict = field(default_factory=dict)

    @classmethod
    def for_departments(cls, policies: list[BudgetPolicy], department_ids) -> "PolicyResolver":
        profiles = [MemberRow(None, department_id, None) for department_id in set(department_ids)]
        return cls(policies=policies, matcher=AudienceMatcher([p.audience for p in policies], profiles))

    def for_employee(self, *, department_id, job_group_id) -> BudgetPolicy | None:
        key = (department_id, job_group_id)
        if key not in self.cache:  # few distinct (department, job group) pairs, many employees
            self.cache[key] = self._resolve(MemberRow(None, department_id, job_group_id))
        return self.cache[key]

    def _resolve(self, member: MemberRow) -> BudgetPolicy | None:
        best, best_rank = None, None
        for policy in self.policies:
            audience = policy.audience
            if not self.matcher.contains(audience, member):
                continue
            rank = (SPECIFICITY.get(audience.kind, -1), -(self.matcher.distance(audience, member) or 0))
            if best_rank is None or rank > best_rank:
                best, best_rank = policy, rank
        return best


def _days(start: date, end: date) -> int:
    return max(0, (end - start).days + 1)


def _basis(policy: BudgetPolicy, fte: Decimal) -> tuple[Decimal, Decimal]:
    factor = Decimal(fte) if policy.pro_rata else Decimal(1)
    return policy.amount * factor, policy.hours * factor


def entitlement(*, policy: BudgetPolicy, fte: Decimal, hired_on: date | None, start: date, end: date) -> tuple:
    """The exact (unrounded) amount and hours for a period: pro rata by FTE and by hire date."""
    amount, hours = _basis(policy, fte)
    if policy.pro_rata and hired_on and hired_on > start:
        share = _employed_share(hired_on, start, end)
        amount, hours = amount * share, hours * share
    return exact(amount), exact(hours)


def _employed_share(hired_on: date | None, start: date, end: date) -> Decimal:
    """The part of the period start..end from the hire date on (1 when hired before it began)."""
    if hired_on is None or hired_on <= start:
        return Decimal(1)
    return Decimal(_days(hired_on, end)) / Decimal(_days(start, end))


EXACT = Decimal("1e-10")


def exact(value: Decimal) -> Decimal:
    """The precision the entitlement is stored with, so what we round to cents is what we store."""
    return value.quantize(EXACT)


def _wanted(rows, resolver, on: date) -> dict:
    """employee id -> (policy, period start, end, fte, hired_on) for those a policy covers on `on`."""
    wanted, periods = {}, {}
    for pk, department_id, job_group_id, fte, hired_on in rows:
        policy = resolver.for_employee(department_id=department_id, job_group_id=job_group_id)
        if policy is None:
            continue
        if policy.pk not in periods:
            periods[policy.pk] = policy_period(policy, on)
        start, end = periods[policy.pk]
        if hired_on and hired_on > end:
            continue
        wanted[pk] = (policy, start, end, fte, hired_on)
    return wanted


def _existing(on: date, employee_ids) -> dict:
    """employee id -> (budget id, policy id, basis amount, basis hours, basis hire date) of the
    budgets that already cover `on` (their own period, whichever policy)."""
    existing_qs = Budget.objects.filter(period_start__lte=on, period_end__gte=on)
    if employee_ids is not None:
        existing_qs = existing_qs.filter(employee_id__in=list(employee_ids))
    rows = existing_qs.values_list("employee_id", "pk", "policy_id", "basis_amount", "basis_hours", "basis_hired_on")
    return {employee_id: values for employee_id, *values in rows}


def _new_budget_rows(wanted: dict, existing: dict) -> list[tuple]:
    """A row (NEW_BUDGET_COLUMNS) for every wanted budget that does not exist yet."""
    rows, now = [], timezone.now()
    for pk, (policy, start, end, fte, hired_on) in wanted.items():
        if pk in existing:
            continue
        amount, hours = entitlement(policy=policy, fte=fte, hired_on=hired_on, start=start, end=end)
        basis_amount, basis_hours = _basis(policy, fte)
        expires = end + timedelta(days=policy.grace_days)
        rows.append(
            (
                pk,
                policy.pk,
                start,
                end,
                expires,
                cents(amount),
                cents(hours),
                amount,
                hours,
                basis_amount,
                basis_hours,
                hired_on,
                now,
            )
        )
    return rows


@transaction.atomic
def budget_allocate(*, on: date | None = None, employee_ids=None) -> dict:
    """Allocate the budget of the period containing `on` to every active employee (or the given
    ones) who has none yet, and re-allocate pro rata where FTE, department or job group changed.

    Set-based: a fixed number of queries for any number of employees. Running it twice changes
    nothing: a budget is unique per employee and period, an allocation entry unique per key, and
    a re-allocation is computed from the basis already recorded on the budget.
    """
    on = on or timezone.localdate()
    policies = list(BudgetPolicy.objects.filter(active=True).order_by("pk"))
    if not policies:
        # Nothing to allocate: answer before reading the employees (an HRIS sync of 100,000 new
        # people would otherwise send a 100,000-id IN list to the database for nothing).
        return {"created": 0, "reallocated": 0}
    employees = Employee.objects.filter(active=True)
    if employee_ids is not None:
        employees = employees.filter(pk__in=list(employee_ids))
    rows = list(employees.values_list("pk", "department_id", "job_group_id", "fte", "hired_on"))
    if not rows:
        return {"created": 0, "reallocated": 0}
    wanted = _wanted(rows, PolicyResolver.for_departments(policies, (row[1] for row in rows)), on)
    existing = _existing(on, wanted if employee_ids is not None else None)
    created = _insert_budgets_with_allocation(_new_budget_rows(wanted, existing))
    # Only budgets whose basis changed are locked and re-allocated (and re-checked under the lock).
    changed = {}
    for employee_id, (pk, policy_id, basis_amount, basis_hours, basis_hired_on) in existing.items():
        if employee_id not in wanted:
            continue
        policy, _start, _end, fte, hired_on = wanted[employee_id]
        if (policy.pk, *_basis(policy, fte), hired_on) != (policy_id, basis_amount, basis_hours, basis_hired_on):
            changed[employee_id] = pk
    reallocated = _reallocate({e: wanted[e] for e in changed}, on=on, budget_ids=list(changed.values()))
    if created or reallocated:
        budget_overview_forget()
    return {"created": created, "reallocated": reallocated}


NEW_BUDGET_COLUMNS = (
    "employee_id",
    "policy_id",
    "period_start",
    "period_end",
    "expires_on",
    "allocated",
    "hours_allocated",
    "entitlement",
    "hours_entitlement",
    "basis_amount",
    "basis_hours",
    "basis_hired_on",
    "created_at",
)


def _insert_budgets_with_allocation(rows: list[tuple]) -> int:
    """Insert new budgets (tuples in NEW_BUDGET_COLUMNS order), skipping any that another run
    created meanwhile, and one allocation entry for each budget this call inserted, in the same
    statement on PostgreSQL (INSERT ... RETURNING feeding INSERT ... SELECT). Returns how many."""
    if not rows:
        return 0
    description = str(_("Allocation for the period"))
    if connection.vendor == "postgresql":
        from psycopg2.extras import execute_values

        budget_table = connection.ops.quote_name(Budget._meta.db_table)
        entry_table = connection.ops.quote_name(LedgerEntry._meta.db_table)
        with connection.cursor() as cursor:
            label = cursor.cursor.mogrify("%s", [description]).decode()
            # Names come from the model and a constant list; the description is quoted by the driver.
            columns = ", ".join(NEW_BUDGET_COLUMNS)
            sql = (
                f"WITH new AS (INSERT INTO {budget_table} ({columns}, committed, spent, hours_used)"  # noqa: S608
                " SELECT *, 0, 0, 0 FROM (VALUES %s) AS v"
                " ON CONFLICT DO NOTHING RETURNING id, allocated, hours_allocated, created_at)"
                f" INSERT INTO {entry_table} (budget_id, kind, allocated, committed, spent, hours_allocated,"
                " hours_used, key, description, reason, created_at)"
                " SELECT id, 'allocation', allocated, 0, 0, hours_allocated, 0, 'alloc:' || id || ':1',"
                f" {label}, '', created_at FROM new RETURNING id"
            )
            template = "(%s, %s, %s::date, %s::date, %s::date" + ", %s::numeric" * 6 + ", %s::date, %s::timestamptz)"
            inserted = execute_values(cursor.cursor, sql, rows, template=template, page_size=5000, fetch=True)
        return len(inserted)
    budgets = [Budget(**dict(zip(NEW_BUDGET_COLUMNS, row, strict=True))) for row in rows]
    Budget.objects.bulk_create(budgets, batch_size=2000, ignore_conflicts=True)
    keyed = {(b.employee_id, b.period_start) for b in budgets}
    fresh = Budget.objects.filter(
        employee_id__in=[b.employee_id for b in budgets], period_start__in={b.period_start for b in budgets}
    ).values_list("pk", "employee_id", "period_start", "allocated", "hours_allocated")
    entries = [
        LedgerEntry(
            budget_id=pk,
            kind=EntryKind.ALLOCATION,
            allocated=a,
            hours_allocated=h,
            key=f"alloc:{pk}:1",
            description=description,
        )
        for pk, e, start, a, h in fresh
        if (e, start) in keyed
    ]
    before = LedgerEntry.objects.filter(key__in=[e.key for e in entries]).count()
    LedgerEntry.objects.bulk_create(entries, batch_size=5000, ignore_conflicts=True)
    return len(entries) - before


REALLOCATED_FIELDS = [
    "entitlement",
    "hours_entitlement",
    "basis_amount",
    "basis_hours",
    "basis_hired_on",
    "policy_id",
    "allocated",
    "hours_allocated",
]


def _changed_basis(wanted: dict, budgets: list) -> list[tuple]:
    """(budget, policy, basis amount, basis hours, hire date) of the budgets whose basis differs."""
    changes = []
    for budget in budgets:
        policy, _start, _end, fte, hired_on = wanted[budget.employee_id]
        basis_amount, basis_hours = _basis(policy, fte)
        basis = (budget.policy_id, budget.basis_amount, budget.basis_hours, budget.basis_hired_on)
        if (policy.pk, basis_amount, basis_hours, hired_on) != basis:
            changes.append((budget, policy, basis_amount, basis_hours, hired_on))
    return changes


def _rebase(budget, policy, basis_amount, basis_hours, hired_on, on: date) -> str:
    """Move the budget's entitlement to its new basis for the rest of the period (a corrected hire
    date re-prorates the whole period); returns the reason for the ledger."""
    reason = _("Re-allocated pro rata from %(date)s") % {"date": on.isoformat()}
    if hired_on != budget.basis_hired_on and policy.pro_rata:
        # A corrected hire date: the days gained or lost, at the basis the budget had.
        day = hired_on.isoformat() if hired_on else "–"
        reason = _("Re-allocated pro rata: hire date %(date)s") % {"date": day}
        period = (budget.period_start, budget.period_end)
        moved = _employed_share(hired_on, *period) - _employed_share(budget.basis_hired_on, *period)
        budget.entitlement = exact(budget.entitlement + budget.basis_amount * moved)
        budget.hours_entitlement = exact(budget.hours_entitlement + budget.basis_hours * moved)
    share = Decimal(_days(max(on, budget.period_start), budget.period_end)) / Decimal(
        _days(budget.period_start, budget.period_end)
    )
    budget.entitlement = exact(budget.entitlement + (basis_amount - budget.basis_amount) * share)
    budget.hours_entitlement = exact(budget.hours_entitlement + (basis_hours - budget.basis_hours) * share)
    budget.basis_amount, budget.basis_hours, budget.policy = basis_amount, basis_hours, policy
    budget.basis_hired_on = hired_on
    return reason


def _reallocate(wanted: dict, *, on: date, budget_ids: list) -> int:
    """Re-allocate locked budgets whose basis (policy amount x FTE) changed, for the rest of the period."""
    if not budget_ids:
        return 0
    budgets = list(Budget.objects.select_for_update().filter(pk__in=budget_ids).order_by("pk"))
    changes = _changed_basis(wanted, budgets)
    if not changes:
        return 0
    totals = {
        row["budget_id"]: row
        for row in LedgerEntry.objects.filter(budget_id__in=[c[0].pk for c in changes], kind=EntryKind.ALLOCATION)
        .values("budget_id")
        .annotate(a=Sum("allocated"), h=Sum("hours_allocated"), n=Count("pk"))
    }
    entries, touched, now = [], [], timezone.now()
    for budget, policy, basis_amount, basis_hours, hired_on in changes:
        reason = _rebase(budget, policy, basis_amount, basis_hours, hired_on, on)
        row = totals.get(budget.pk, {})
        delta = cents(budget.entitlement) - (row.get("a") or ZERO)
        if delta < 0 and budget.available + delta < 0:
            delta = -budget.available  # never below zero: what is committed or spent stays covered
        hours_delta = cents(budget.hours_entitlement) - (row.get("h") or ZERO)
        budget.allocated += delta
        budget.hours_allocated += hours_delta
        touched.append(budget)
        if delta or hours_delta:
            key = f"alloc:{budget.pk}:{(row.get('n') or 0) + 1}"
            entries.append((budget.pk, EntryKind.ALLOCATION.value, delta, hours_delta, key, reason, now))
    _insert_allocation_entries(entries)
    _write_back(touched, REALLOCATED_FIELDS)
    if entries:
        from .notices import reallocations_announce

        reallocations_announce([row[4] for row in entries])
    return len(entries)


def _insert_allocation_entries(rows: list[tuple]) -> None:
    """Insert (budget_id, kind, allocated, hours_allocated, key, description, created_at) rows."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        names = ("budget_id", "kind", "allocated", "hours_allocated", "key", "description", "created_at")
        LedgerEntry.objects.bulk_create([LedgerEntry(**dict(zip(names, r, strict=True))) for r in rows])
        return
    from psycopg2.extras import execute_values

    table = connection.ops.quote_name(LedgerEntry._meta.db_table)
    sql = (
        f"INSERT INTO {table} (budget_id, kind, allocated, hours_allocated, key, description, created_at,"  # noqa: S608
        " committed, spent, hours_used, reason) VALUES %s"
    )
    with connection.cursor() as cursor:
        execute_values(cursor.cursor, sql, rows, template="(%s, %s, %s, %s, %s, %s, %s, 0, 0, 0, '')", page_size=5000)


def _write_back(budgets: list, fields: list) -> None:
    """Write these fields of many budgets in one statement. On PostgreSQL an UPDATE ... FROM
    (VALUES ...): linear, where bulk_update's CASE per field grows with the batch."""
    if not budgets:
        return
    if connection.vendor != "postgresql":
        Budget.objects.bulk_update(budgets, [f.removesuffix("_id") for f in fields], batch_size=500)
        return
    from psycopg2.extras import execute_values

    types = {f: Budget._meta.get_field(f.removesuffix("_id")).db_type(connection) for f in fields}
    if "policy_id" in types:
        types["policy_id"] = "bigint"
    assignments = ", ".join(f"{f} = v.{f}::{types[f]}" for f in fields)
    columns = ", ".join(fields)
    # Table and column names come from the model, never from input; the values are parameters.
    sql = (
        f"UPDATE {Budget._meta.db_table} AS b SET {assignments} FROM (VALUES %s) AS v (id, {columns}) WHERE b.id = v.id"  # noqa: S608
    )
    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor,
            sql,
            [(b.pk, *(getattr(b, f) for f in fields)) for b in budgets],
            page_size=5000,
        )


@transaction.atomic
def budget_policy_save(*, policy: BudgetPolicy) -> BudgetPolicy:
    """Save a policy; budgets follow it pro rata from today (re-allocation runs after commit)."""
    policy.full_clean()
    before = saved_version(policy)
    policy.save()
    changes = field_changes(before, policy, record_fields(policy))
    if changes:
        audit_record(action="budget_policy.saved", obj=policy, changes=changes)
    from ..tasks import budgets_allocate_task

    outbox_enqueue(budgets_allocate_task.name)
    return policy
