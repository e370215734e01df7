"""Reads that the budget pages, the API, the home panels and other apps share."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from people import registry as ports
from people.models import Department, Employee
from people.registry import KEPT_TEAM_SUMS, BudgetSummary, registry
from people.reporting import team_members
from people.selectors import DepartmentTree

from .models import ZERO, Budget, LedgerEntry, cents


def current_budgets(on: date | None = None):
    """Budgets whose period contains `on` (today by default)."""
    on = on or timezone.localdate()
    return Budget.objects.filter(period_start__lte=on, period_end__gte=on)


def budget_for_employee(*, employee_id: int, on: date | None = None) -> Budget | None:
    """The budget shown to an employee: the current period's, else the latest one."""
    on = on or timezone.localdate()
    current = Case(
        When(period_start__lte=on, expires_on__gte=on, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    qs = Budget.objects.select_related("policy", "employee").filter(employee_id=employee_id)
    return qs.annotate(is_current=current).order_by("-is_current", "-period_start").first()  # one query


def budget_available(employee) -> Decimal | None:
    """For the catalog ("you have €640 left"): what the employee can still spend today."""
    return budgets_available([employee.pk]).get(employee.pk)


def budgets_available(employee_ids: list[int]) -> dict[int, Decimal]:
    """What each employee can still spend today, from the latest unexpired period's budget (for the
    catalog, one person; for the decisions on a manager's home, their requesters): one query."""
    on = timezone.localdate()
    budgets = (
        Budget.objects.filter(
            employee_id__in=list(employee_ids), period_start__lte=on, expires_on__gte=on, expired_at=None
        )
        .order_by("employee_id", "-period_start")
        .only("employee_id", "allocated", "committed", "spent")
    )
    available: dict[int, Decimal] = {}
    for budget in budgets:
        available.setdefault(budget.employee_id, budget.available)  # the latest period's
    return available


def budget_summary(employee) -> BudgetSummary | None:
    """For message placeholders and the home panel: the current budget in plain figures."""
    budget = budget_for_employee(employee_id=employee.pk)
    if budget is None:
        return None
    today = timezone.localdate()
    return BudgetSummary(
        budget_id=budget.pk,
        allocated=budget.allocated,
        committed=budget.committed,
        spent=budget.spent,
        available=budget.available,
        hours_allocated=budget.hours_allocated,
        hours_used=budget.hours_used,
        period_start=budget.period_start,
        period_end=budget.period_end,
        expires_on=budget.expires_on,
        days_left=max(0, (budget.expires_on - today).days),
    )


def enrolment_url(enrolment_id) -> str:
    if enrolment_id is None:
        return ""
    try:
        return reverse("catalog:enrolment_detail", args=[enrolment_id])
    except NoReverseMatch:
        return ""


def budget_history(budget: Budget) -> list[LedgerEntry]:
    entries = list(budget.entries.select_related("created_by").order_by("created_at", "pk"))
    for entry in entries:
        entry.link = enrolment_url(entry.enrolment_id)
    return entries


def mid_period_passed(budget: Budget, on: date | None = None) -> bool:
    on = on or timezone.localdate()
    return on >= budget.period_start + (budget.period_end - budget.period_start) / 2


def team_budget_rows(employees, *, on: date | None = None) -> list[tuple[Employee, Budget | None, bool]]:
    """(employee, current budget or None, has-not-used-anything-by-mid-period) for the employees of
    one page of the team (a page's ids, never the whole team's): one query."""
    on = on or timezone.localdate()
    employees = list(employees)
    budgets = {b.employee_id: b for b in current_budgets(on).filter(employee_id__in=[e.pk for e in employees])}
    rows = []
    for e in employees:
        b = budgets.get(e.pk)
        idle = b is not None and b.used == 0 and mid_period_passed(b, on)
        rows.append((e, b, idle))
    return rows


def team_budgets(*, manager: Employee, on: date | None = None) -> list[tuple[Employee, Budget | None, bool]]:
    """Every row of `team_budget_rows` for the whole team: for small teams and tests only; pages
    page `people.reporting.team_page_members` and read the rows of one page."""
    from people.reporting import team_page_members

    return team_budget_rows(team_page_members(manager.pk), on=on)


def budget_totals(qs) -> dict:
    row = qs.aggregate(
        allocated=Sum("allocated"),
        committed=Sum("committed"),
        spent=Sum("spent"),
        employees=Count("pk"),
        never_viewed=Count("pk", filter=Q(first_viewed_at=None)),
    )
    for key in ("allocated", "committed", "spent"):
        row[key] = row[key] or ZERO
    return _finish(row)


def _finish(row: dict) -> dict:
    for key in ("allocated", "committed", "spent"):
        row[key] = cents(row[key] or 0)
    row["available"] = row["allocated"] - row["committed"] - row["spent"]
    used = row["committed"] + row["spent"]
    row["utilisation"] = (
        (used * 100 / row["allocated"]).quantize(Decimal(1), rounding=ROUND_HALF_UP) if row["allocated"] else None
    )
    return row


_SUMMED = ("allocated", "committed", "spent", "employees", "never_viewed")
_MONEY = ("allocated", "committed", "spent")


def _department_rows(own: dict) -> list[dict]:
    """One row per department in tree order (a parent before its sub-departments, siblings by
    name), each summing its whole subtree, as a manager of a department reads it; people without
    a department last. `depth` is the level in the tree; departments without budgets are left out."""
    departments = {
        pk: (parent_id, name) for pk, parent_id, name in Department.objects.values_list("pk", "parent_id", "name")
    }
    tree = DepartmentTree({pk: parent_id for pk, (parent_id, _name) in departments.items()})
    ordered = tree.display_order(lambda pk: departments[pk][1].lower())
    totals = {}
    for pk, _depth in reversed(ordered):  # sub-departments come after their parent: add up from the bottom
        parts = [own[pk]] if pk in own else []
        parts += [totals[c] for c in tree.children.get(pk, []) if c in totals]
        if parts:
            totals[pk] = {key: sum((p[key] or 0) for p in parts) for key in _SUMMED}
    rows = []
    for pk, depth in ordered:
        if pk in totals:
            indent = min(depth + 1, 5) if depth else 0  # Bootstrap's ps-1 .. ps-5
            row = {**totals[pk], "name": departments[pk][1], "department_id": pk, "depth": depth, "indent": indent}
            rows.append(_finish(row))
    if None in own:
        rows.append(_finish({**{k: own[None][k] for k in _SUMMED}, "name": "–", "department_id": None, "depth": 0}))
    return rows


def budget_overview(on: date | None = None) -> dict:
    """Allocated, committed, spent, available, utilisation and never-viewed, per department (each
    with its sub-departments) and per job group, for the current period: one grouped scan of the
    budgets per (department, job group) pair, folded here into the departments, the job groups and
    the total (a few hundred pairs however many people), plus the departments' names: two queries.
    `never_viewed_active` counts the never-viewed list's rows (active employees only), so its pages
    need no count of their own."""
    qs = current_budgets(on)
    pairs = list(
        qs.values("employee__department_id", "employee__job_group_id", "employee__job_group__name")
        .annotate(
            allocated=Sum("allocated"),
            committed=Sum("committed"),
            spent=Sum("spent"),
            employees=Count("pk"),
            never_viewed=Count("pk", filter=Q(first_viewed_at=None)),
            never_viewed_active=Count("pk", filter=Q(first_viewed_at=None, employee__active=True)),
        )
        .order_by()
    )

    def summed(rows) -> dict:
        return {key: sum((row[key] or 0 for row in rows), ZERO if key in _MONEY else 0) for key in _SUMMED}

    by_department, by_group = {}, {}
    for row in pairs:
        by_department.setdefault(row["employee__department_id"], []).append(row)
        by_group.setdefault((row["employee__job_group_id"], row["employee__job_group__name"]), []).append(row)
    departments = _department_rows({pk: summed(rows) for pk, rows in by_department.items()})
    ordered_groups = sorted(by_group.items(), key=lambda item: (item[0][1] is None, item[0][1] or ""))
    job_groups = [_finish({**summed(rows), "name": name or "–"}) for (_pk, name), rows in ordered_groups]
    total = _finish(summed(pairs))
    total["never_viewed_active"] = sum(row["never_viewed_active"] for row in pairs)
    return {"departments": departments, "job_groups": job_groups, "total": total}


# How long the L&D overview keeps its totals: one grouped scan of every current budget is what
# they cost, and it grows with the organisation (docs/performance.md), so the page reads it from
# the cache for this long instead of scanning on every request.
OVERVIEW_KEPT_SECONDS = 300


def _overview_key(on: date) -> str:
    return f"budgets:overview:{on.isoformat()}"


def budget_overview_kept(on: date | None = None, *, fresh: bool = False) -> tuple[dict, datetime | None]:
    """`budget_overview` and when it was worked out: from the cache when it was worked out less
    than OVERVIEW_KEPT_SECONDS ago (then with its time), else now (then None) and kept. `fresh`
    works it out again. A cache that does not answer costs the scan, never an error."""
    on = on or timezone.localdate()
    if not fresh:
        kept = cache.get(_overview_key(on))
        if kept is not None:
            return kept
    data = budget_overview(on)
    cache.set(_overview_key(on), (data, timezone.now()), OVERVIEW_KEPT_SECONDS)
    return data, None


def budget_overview_forget() -> None:
    """After a change L&D makes and expects to see at once (an adjustment, an allocation), the
    kept totals go when the change is committed."""
    key = _overview_key(timezone.localdate())
    transaction.on_commit(lambda: cache.delete(key))


def team_totals(*, manager: Employee, on: date | None = None) -> dict:
    """The team's totals, and how many have used nothing although their period is half over: one
    aggregate in SQL, grouped by budget period (a handful of rows), whatever the size of the team;
    whether a period is half over is decided per row here."""
    on = on or timezone.localdate()
    budgets = current_budgets(on).filter(employee__in=team_members(manager.pk).values("pk"))
    per_period = (
        budgets.values("period_start", "period_end")
        .annotate(
            total_allocated=Sum("allocated"),
            total_committed=Sum("committed"),
            total_spent=Sum("spent"),
            employees=Count("pk"),
            never_viewed=Count("pk", filter=Q(first_viewed_at=None)),
            unused=Count("pk", filter=Q(committed=0, spent=0)),
        )
        .order_by()
    )
    row = {"allocated": ZERO, "committed": ZERO, "spent": ZERO, "employees": 0, "never_viewed": 0, "idle": 0}
    for period in per_period:
        for key in ("allocated", "committed", "spent"):
            row[key] += period[f"total_{key}"] or ZERO
        row["employees"] += period["employees"]
        row["never_viewed"] += period["never_viewed"]
        start, end = period["period_start"], period["period_end"]
        if on >= start + (end - start) / 2:
            row["idle"] += period["unused"]
    return _finish(row)


# Monitoring's facts of the current budgets, which its nightly task keeps for a large team.
_KEPT_FACTS = ("budgets_now", "allocated_now", "committed_now", "spent_now", "unviewed_now", "idle_now")


def team_totals_kept(*, manager: Employee) -> tuple[dict, datetime] | None:
    """A large team's totals as `team_totals` gives them, from the sums monitoring's nightly task
    kept (the KEPT_TEAM_SUMS port), and when it worked them out; None when the team is not kept
    (too small, or not yet today). One query instead of a sum over every budget of the team."""
    provider = registry.find(KEPT_TEAM_SUMS)
    kept = provider(manager.pk, _KEPT_FACTS) if provider else None
    if kept is None:
        return None
    sums = kept.sums
    row = {
        "allocated": sums["allocated_now"],
        "committed": sums["committed_now"],
        "spent": sums["spent_now"],
        "employees": int(sums["budgets_now"]),
        "never_viewed": int(sums["unviewed_now"]),
        "idle": int(sums["idle_now"]),
    }
    return _finish(row), kept.taken_at


def team_totals_shown(*, manager: Employee, size: int, fresh: bool = False) -> tuple[dict, datetime | None]:
    """The team's totals for a page, and when they were worked out (None: just now): a large
    team's (`size` active people, people.registry.KEPT_TEAM_FROM or more) as the nightly task
    kept them, unless `fresh` asks them summed now; a smaller team's summed now. One query either
    way (two for a large team on the day before its first night)."""
    kept = None
    if not fresh and size >= ports.KEPT_TEAM_FROM:
        kept = team_totals_kept(manager=manager)
    return kept or (team_totals(manager=manager), None)


def never_viewed(on: date | None = None):
    return (
        current_budgets(on)
        .filter(first_viewed_at=None, employee__active=True)
        .select_related("employee", "employee__department", "employee__job_group")
        .order_by("employee__last_name", "employee__first_name")
    )


def budget_search(q: str, on: date | None = None, limit: int = 50):
    """Current budgets of employees whose name, e-mail or HRIS key matches every word of `q`."""
    qs = current_budgets(on).select_related("employee", "employee__department")
    for word in q.split()[:5]:
        qs = qs.filter(
            Q(employee__first_name__icontains=word)
            | Q(employee__last_name__icontains=word)
            | Q(employee__email__icontains=word)
            | Q(employee__external_id__iexact=word)
        )
    return qs.order_by("employee__last_name", "employee__first_name")[:limit]


def budget_pending(*, employee_id: int) -> Decimal:
    """What the employee's requests waiting for a decision would cost (the catalog's figure, so the
    budget page and the request form say the same)."""
    from catalog.selectors import requests_waiting_cost

    return requests_waiting_cost(employee_id=employee_id)
