"""Every write to budgets: allocation, commitment, release, spend, adjustment, expiry, carry-over.

Each movement appends one ledger entry and updates the budget's balance row in one transaction,
with that row locked (SELECT ... FOR UPDATE), so concurrent approvals queue on the budget and the
second one sees what the first committed. The balance row's CheckConstraint is the last line.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from people.audience import AudienceKind, AudienceMatcher, MemberRow
from people.models import Employee

from .models import ZERO, Budget, BudgetPolicy, CarryOver, EntryKind, LedgerEntry, OverBudget, cents


class InsufficientBudget(Exception):
    """Not enough budget: carries the amount missing and what the policy says to do about it."""

    def __init__(self, *, missing: Decimal, available: Decimal, route_to_ld: bool = False):
        self.missing = cents(missing)
        self.available = cents(available)
        self.route_to_ld = route_to_ld
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _("Not enough budget: €%(missing)s is missing (€%(available)s available).") % {
            "missing": self.missing,
            "available": self.available,
        }


# --- periods and policies ------------------------------------------------------------------------


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


# --- allocation ------------------------------------------------------------------------------------


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
    resolver = PolicyResolver.for_departments(policies, (row[1] for row in rows))

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

    # Budgets that already cover `on` for these employees (their own period, whichever policy).
    existing_qs = Budget.objects.filter(period_start__lte=on, period_end__gte=on)
    if employee_ids is not None:
        existing_qs = existing_qs.filter(employee_id__in=list(wanted))
    existing = {
        employee_id: (pk, policy_id, basis_amount, basis_hours, basis_hired_on)
        for employee_id, pk, policy_id, basis_amount, basis_hours, basis_hired_on in existing_qs.values_list(
            "employee_id", "pk", "policy_id", "basis_amount", "basis_hours", "basis_hired_on"
        )
    }
    new_budgets = []
    now = timezone.now()
    for pk, (policy, start, end, fte, hired_on) in wanted.items():
        if pk in existing:
            continue
        amount, hours = entitlement(policy=policy, fte=fte, hired_on=hired_on, start=start, end=end)
        basis_amount, basis_hours = _basis(policy, fte)
        expires = end + timedelta(days=policy.grace_days)
        new_budgets.append(
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
    created = _insert_budgets_with_allocation(new_budgets)

    # Only budgets whose basis changed are locked and re-allocated (and re-checked under the lock).
    changed = {}
    for employee_id, (pk, policy_id, basis_amount, basis_hours, basis_hired_on) in existing.items():
        if employee_id not in wanted:
            continue
        policy, _start, _end, fte, hired_on = wanted[employee_id]
        if (policy.pk, *_basis(policy, fte), hired_on) != (policy_id, basis_amount, basis_hours, basis_hired_on):
            changed[employee_id] = pk
    reallocated = _reallocate({e: wanted[e] for e in changed}, on=on, budget_ids=list(changed.values()))
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


def _reallocate(wanted: dict, *, on: date, budget_ids: list) -> int:
    """Re-allocate locked budgets whose basis (policy amount x FTE) changed, for the rest of the period."""
    if not budget_ids:
        return 0
    budgets = list(Budget.objects.select_for_update().filter(pk__in=budget_ids).order_by("pk"))
    changes = []
    for budget in budgets:
        policy, _start, _end, fte, hired_on = wanted[budget.employee_id]
        basis_amount, basis_hours = _basis(policy, fte)
        if (policy.pk, basis_amount, basis_hours, hired_on) == (
            budget.policy_id,
            budget.basis_amount,
            budget.basis_hours,
            budget.basis_hired_on,
        ):
            continue
        changes.append((budget, policy, basis_amount, basis_hours, hired_on))
    if not changes:
        return 0
    totals = {
        row["budget_id"]: row
        for row in LedgerEntry.objects.filter(budget_id__in=[c[0].pk for c in changes], kind=EntryKind.ALLOCATION)
        .values("budget_id")
        .annotate(a=Sum("allocated"), h=Sum("hours_allocated"), n=Count("pk"))
    }
    entries, touched = [], []
    description = _("Re-allocated pro rata from %(date)s") % {"date": on.isoformat()}
    now = timezone.now()
    for budget, policy, basis_amount, basis_hours, hired_on in changes:
        reason = description
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
    _write_back(
        touched,
        [
            "entitlement",
            "hours_entitlement",
            "basis_amount",
            "basis_hours",
            "basis_hired_on",
            "policy_id",
            "allocated",
            "hours_allocated",
        ],
    )
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


# --- the enrolment life cycle ------------------------------------------------------------------------


def budget_current(*, employee_id: int, on: date | None = None) -> Budget | None:
    """The budget an employee spends from on `on`: the period containing it, else one still in grace."""
    on = on or timezone.localdate()
    return (
        Budget.objects.filter(employee_id=employee_id, period_start__lte=on, expires_on__gte=on, expired_at=None)
        .order_by("-period_start")
        .first()
    )


def _lock(budget_id: int) -> Budget:
    """The budget's row, locked until the transaction ends: movements of one budget queue here."""
    return Budget.objects.select_for_update().get(pk=budget_id)


def _apply(budget: Budget, entry: LedgerEntry) -> LedgerEntry:
    """Append the entry and move the balance row by the same amounts, in the caller's transaction."""
    entry.budget = budget
    entry.save()
    fields = ("allocated", "committed", "spent", "hours_allocated", "hours_used")
    Budget.objects.filter(pk=budget.pk).update(**{f: F(f) + getattr(entry, f) for f in fields})
    for f in fields:
        setattr(budget, f, getattr(budget, f) + getattr(entry, f))
    return entry


@transaction.atomic
def budget_commit(*, enrolment, by=None) -> LedgerEntry:
    """Commit the enrolment's cost against the employee's current budget, once per enrolment.

    Raises InsufficientBudget (with the amount missing) when the budget cannot cover it."""
    cost = cents(enrolment.cost or 0)
    existing = LedgerEntry.objects.filter(enrolment_id=enrolment.pk, kind=EntryKind.COMMITMENT).first()
    if existing is not None:
        return existing
    current = budget_current(employee_id=enrolment.employee.pk)
    if current is None and cost > 0:
        # Perhaps hired through a path that has not allocated yet: allocate now, then look again.
        budget_allocate(employee_ids=[enrolment.employee.pk])
        current = budget_current(employee_id=enrolment.employee.pk)
    if current is None:
        # No budget policy covers this employee: the organisation does not run budgets for them,
        # and the manager's approval is the only control. Nothing to commit.
        return None
    # The entry first (outside the budget's lock); the unique index makes a second click for the
    # same enrolment wait for the first and then insert nothing.
    entry = LedgerEntry(
        budget_id=current.pk,
        kind=EntryKind.COMMITMENT,
        committed=cost,
        enrolment_id=enrolment.pk,
        description=str(enrolment.title)[:300],
        created_by=by if getattr(by, "pk", None) else None,
        created_at=timezone.now(),
    )
    entry.pk = _insert_or_nothing(entry)
    if entry.pk is None:
        return LedgerEntry.objects.get(enrolment_id=enrolment.pk, kind=EntryKind.COMMITMENT)
    # Then the balance: one conditional UPDATE takes the row lock, checks what is available and
    # moves it, so the lock is held only for this statement and the commit.
    if not _move_if_covered(current.pk, cost):
        budget = Budget.objects.select_related("policy").get(pk=current.pk)
        # Raising rolls back this function's atomic block, and with it the entry inserted above.
        raise InsufficientBudget(
            missing=cost - budget.available,
            available=budget.available,
            route_to_ld=budget.policy.over_budget == OverBudget.ROUTE_TO_LD,
        )
    return entry


def _insert_or_nothing(entry: LedgerEntry) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the new entry's id, or None if it exists."""
    fields = [f for f in LedgerEntry._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(LedgerEntry._meta.db_table)
    # Table and column names come from the model; the values are parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) ON CONFLICT DO NOTHING RETURNING id"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    return row[0] if row else None


def _covered(cost: Decimal) -> Q:
    """The guard against overspending: the row still covers the cost when the UPDATE writes it.
    PostgreSQL re-reads a row another transaction changed before it applies this condition, so
    concurrent commitments cannot both see the same money."""
    return Q(allocated__gte=F("committed") + F("spent") + cost)


def _move_if_covered(budget_id: int, cost: Decimal) -> bool:
    """Commit `cost` on the budget if it covers it, in one statement; False when it does not."""
    return bool(Budget.objects.filter(_covered(cost), pk=budget_id).update(committed=F("committed") + cost))


def _outstanding(enrolment_id: int):
    """The enrolment's commitment and whether it is still open (not released, not spent)."""
    entries = {e.kind: e for e in LedgerEntry.objects.filter(enrolment_id=enrolment_id)}
    commitment = entries.get(EntryKind.COMMITMENT)
    closed = EntryKind.RELEASE in entries or EntryKind.SPEND in entries
    return commitment, entries, closed


@transaction.atomic
def budget_release(*, enrolment) -> LedgerEntry | None:
    """Give back what an approved, then cancelled or rejected, enrolment committed. Once."""
    commitment, _entries, closed = _outstanding(enrolment.pk)
    if commitment is None or closed:
        return None
    budget = _lock(commitment.budget_id)
    commitment, _entries, closed = _outstanding(enrolment.pk)
    if closed:
        return None
    entry = _apply(
        budget,
        LedgerEntry(
            kind=EntryKind.RELEASE,
            committed=-commitment.committed,
            enrolment_id=enrolment.pk,
            description=str(enrolment.title)[:300],
        ),
    )
    _expire_freed(budget, entry)
    return entry


def _expire_freed(budget: Budget, entry: LedgerEntry) -> None:
    """Money freed on a budget that has already expired expires too, instead of lingering."""
    if budget.expired_at is None or budget.available <= 0:
        return
    _apply(
        budget,
        LedgerEntry(
            kind=EntryKind.EXPIRY,
            allocated=-budget.available,
            key=f"expiry:{budget.pk}:{entry.kind}:{entry.enrolment_id}",
            description=_("Expired"),
        ),
    )


@transaction.atomic
def budget_spend(*, enrolment, amount: Decimal | None = None) -> LedgerEntry | None:
    """Turn the commitment into spend: the committed amount, or the invoice amount when it differs
    (the difference is released or taken from what is available). Once per enrolment.

    An invoice above what the budget can still cover is spent only up to that; the rest is noted
    on the entry as not covered by the budget, because the balance may never go below zero."""
    commitment, entries, _closed = _outstanding(enrolment.pk)
    if EntryKind.SPEND in entries:
        return entries[EntryKind.SPEND]
    open_commitment = commitment if commitment is not None and EntryKind.RELEASE not in entries else None
    budget_id = (
        commitment.budget_id if commitment else getattr(budget_current(employee_id=enrolment.employee.pk), "pk", None)
    )
    if budget_id is None:
        return None
    budget = _lock(budget_id)
    commitment, entries, _closed = _outstanding(enrolment.pk)
    if EntryKind.SPEND in entries:
        return entries[EntryKind.SPEND]
    held = open_commitment.committed if open_commitment else ZERO
    wanted = cents(amount) if amount is not None else held
    covered = min(wanted, budget.available + held)
    description = str(enrolment.title)[:200]
    if covered < wanted:
        description += " · " + _("€%(amount)s not covered by the budget") % {"amount": cents(wanted - covered)}
    entry = _apply(
        budget,
        LedgerEntry(
            kind=EntryKind.SPEND,
            committed=-held,
            spent=covered,
            hours_used=cents(getattr(enrolment, "hours", 0) or 0),
            enrolment_id=enrolment.pk,
            description=description,
        ),
    )
    _expire_freed(budget, entry)
    return entry


# --- L&D staff ------------------------------------------------------------------------------------------


@transaction.atomic
def budget_adjust(*, budget: Budget, amount: Decimal, reason: str, by) -> LedgerEntry:
    """A manual correction by L&D staff, with a reason; it may never take the budget below zero."""
    amount = cents(amount)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the adjustment.")})
    if amount == 0:
        raise ValidationError({"amount": _("Enter an amount other than zero.")})
    locked = _lock(budget.pk)
    if locked.available + amount < 0:
        raise ValidationError(
            {
                "amount": _("This would take the budget below zero: at most €%(max)s can be taken off.")
                % {"max": locked.available}
            }
        )
    entry = _apply(
        locked,
        LedgerEntry(
            kind=EntryKind.ADJUSTMENT,
            allocated=amount,
            reason=reason,
            description=_("Adjustment"),
            created_by=by,
        ),
    )
    budget.refresh_from_db()
    return entry


@transaction.atomic
def budget_expire(*, budget_id: int, today: date | None = None) -> LedgerEntry | None:
    """At expiry: carry over what the policy allows into the next period's budget, expire the rest.

    Keyed per budget, so a second run (or a retried task) does nothing."""
    today = today or timezone.localdate()
    budget = _lock(budget_id)
    if budget.expired_at is not None or budget.expires_on >= today:
        return None
    policy = budget.policy
    left = budget.available
    carry = ZERO
    if left > 0 and policy.carry_over == CarryOver.ALL:
        carry = left
    elif left > 0 and policy.carry_over == CarryOver.UP_TO:
        carry = min(left, policy.carry_over_limit)
    successor = None
    if carry > 0:
        next_start = budget.period_end + timedelta(days=1)
        successor = (
            Budget.objects.filter(employee_id=budget.employee_id, period_start__gte=next_start)
            .order_by("period_start")
            .first()
        )
        if successor is None:
            budget_allocate(on=next_start, employee_ids=[budget.employee_id])
            successor = (
                Budget.objects.filter(employee_id=budget.employee_id, period_start__gte=next_start)
                .order_by("period_start")
                .first()
            )
        if successor is None:
            carry = ZERO  # no next budget (left the organisation, or no policy): it expires
    entry = None
    if carry > 0:
        _apply(
            budget,
            LedgerEntry(
                kind=EntryKind.CARRY_OVER,
                allocated=-carry,
                key=f"carry-out:{budget.pk}",
                description=_("Carried over to the next period"),
            ),
        )
        target = _lock(successor.pk)
        _apply(
            target,
            LedgerEntry(
                kind=EntryKind.CARRY_OVER,
                allocated=carry,
                key=f"carry-in:{budget.pk}",
                description=_("Carried over from the previous period"),
            ),
        )
    rest = budget.available
    if rest > 0:
        entry = _apply(
            budget,
            LedgerEntry(kind=EntryKind.EXPIRY, allocated=-rest, key=f"expiry:{budget.pk}", description=_("Expired")),
        )
    Budget.objects.filter(pk=budget.pk).update(expired_at=timezone.now())
    return entry


def budget_mark_viewed(*, budget: Budget) -> bool:
    """Record the employee's first view of this period's budget page (a conditional update: once)."""
    changed = Budget.objects.filter(pk=budget.pk, first_viewed_at=None).update(first_viewed_at=timezone.now())
    return bool(changed)


def budgets_recompute() -> list[dict]:
    """Every budget whose balance row differs from the sum of its ledger (used by budgets_check)."""
    fields = ("allocated", "committed", "spent", "hours_allocated", "hours_used")
    sums = {
        row["budget_id"]: row
        for row in LedgerEntry.objects.values("budget_id").annotate(**{f"s_{f}": Sum(f) for f in fields})
    }
    problems = []
    for budget in Budget.objects.values("pk", *fields).iterator(chunk_size=5000):
        row = sums.get(budget["pk"], {})
        diff = {f: (budget[f], row.get(f"s_{f}") or ZERO) for f in fields if budget[f] != (row.get(f"s_{f}") or ZERO)}
        if diff or budget["allocated"] < budget["committed"] + budget["spent"]:
            problems.append({"budget_id": budget["pk"], "differences": diff})
    return problems


@transaction.atomic
def budget_policy_save(*, policy: BudgetPolicy) -> BudgetPolicy:
    """Save a policy; budgets follow it pro rata from today (re-allocation runs after commit)."""
    policy.full_clean()
    policy.save()
    from .tasks import budgets_allocate_task

    transaction.on_commit(budgets_allocate_task.delay)
    return policy


def _reminder_text(budget: Budget, days_left: int) -> tuple[str, str]:
    from django.utils.translation import ngettext

    subject = _("You have €%(amount)s of learning budget left") % {"amount": budget.available}
    body = ngettext(
        "You have €%(amount)s of learning budget left. It expires on %(date)s, in %(days)d day.",
        "You have €%(amount)s of learning budget left. It expires on %(date)s, in %(days)d days.",
        days_left,
    ) % {"amount": budget.available, "date": budget.expires_on.isoformat(), "days": days_left}
    return subject, body


def budget_reminders_send(*, today: date | None = None) -> int:
    """Send "you have €X left, it expires in N days" at each policy's reminder moments, once per
    budget and moment, through the delivery service (in the app and by e-mail, by preference)."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from comms.services import notify

    from .models import ReminderSent

    today = today or timezone.localdate()
    policies = {p.pk: p.reminder_day_list() for p in BudgetPolicy.objects.all()}
    horizon = max((max(days) for days in policies.values() if days), default=None)
    if horizon is None:
        return 0
    candidates = (
        Budget.objects.select_related("employee")
        .filter(
            expired_at=None,
            employee__active=True,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=horizon),
            allocated__gt=F("committed") + F("spent"),
        )
        .order_by("pk")
    )
    link = settings.SITE_URL.rstrip("/") + reverse("budgets:mine")
    sent = 0
    for budget in candidates.iterator(chunk_size=500):
        days_left = (budget.expires_on - today).days
        due = [d for d in policies.get(budget.policy_id, []) if days_left <= d]
        if not due:
            continue
        moment = min(due)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(budget=budget, days_before=moment, channel="notify")
            except IntegrityError:
                continue  # already sent for this moment
            with translation.override(budget.employee.locale):
                subject, body = _reminder_text(budget, days_left)
            notify(
                key=f"budgets.reminder:{budget.pk}:{moment}",
                employee_ids=[budget.employee_id],
                subject=subject,
                body=body,
                link=link,
                category="budgets",
            )
        sent += 1
    return sent
