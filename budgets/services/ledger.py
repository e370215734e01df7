"""The ledger: commitments, releases and spends of enrolments, adjustments by L&D staff, and the
check that every balance row equals the sum of its entries. Available never goes below zero."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from people.audit import audit_record
from people.formatting import money

from ..models import ZERO, Budget, EntryKind, LedgerEntry, OverBudget, cents
from ..selectors import budget_overview_forget
from .allocation import budget_allocate


class InsufficientBudget(Exception):
    """Not enough budget: carries the amount missing and what the policy says to do about it."""

    def __init__(self, *, missing: Decimal, available: Decimal, route_to_ld: bool = False):
        self.missing = cents(missing)
        self.available = cents(available)
        self.route_to_ld = route_to_ld
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _("Not enough budget: %(missing)s is missing (%(available)s available).") % {
            "missing": money(self.missing),
            "available": money(self.available),
        }


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
        description += " · " + _("%(amount)s not covered by the budget") % {"amount": money(cents(wanted - covered))}
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


def is_own_budget(budget: Budget, user) -> bool:
    return user is not None and user.pk is not None and budget.employee.user_id == user.pk


@transaction.atomic
def budget_adjust(*, budget: Budget, amount: Decimal, reason: str, by) -> LedgerEntry:
    """A manual correction by L&D staff, with a reason; it may never take the budget below zero,
    and nobody corrects their own budget (a colleague in L&D does)."""
    if is_own_budget(budget, by):
        raise ValidationError({NON_FIELD_ERRORS: _("Nobody adjusts their own budget: ask a colleague in L&D.")})
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
                "amount": _("This would take the budget below zero: at most %(max)s can be taken off.")
                % {"max": money(locked.available)}
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
    audit_record(
        action="budget.adjusted",
        obj=locked,
        subject=locked.employee_id,
        changes={"amount": amount, "available": [locked.available - amount, locked.available]},
        reason=reason,
        by=by,
    )
    from .notices import budget_change_notify

    budget_change_notify(entry=entry)
    budget_overview_forget()
    budget.refresh_from_db()
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
