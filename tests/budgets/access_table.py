"""Who may open the budget pages and endpoints. Nobody sees another employee's budget except their
managers (direct and indirect) and L&D staff."""

from datetime import date
from decimal import Decimal

from tests.access import Row, only_hr, same


def budgets_for_everyone(p) -> dict:
    """Create a policy and allocate budgets to every persona; returns the URL kwargs (none)."""
    from budgets.models import BudgetPolicy
    from budgets.services import budget_allocate

    BudgetPolicy.objects.get_or_create(
        name="Everyone", defaults={"amount": Decimal("1000"), "period_start": date(2020, 1, 1)}
    )
    budget_allocate()
    return {}


def budget_of(employee_attr):
    def kwargs(p):
        from budgets.models import Budget

        budgets_for_everyone(p)
        return {"pk": Budget.objects.get(employee=getattr(p, employee_attr)).pk}

    return kwargs


def a_policy(p) -> dict:
    from budgets.models import BudgetPolicy

    policy, _ = BudgetPolicy.objects.get_or_create(
        name="Everyone", defaults={"amount": Decimal("1000"), "period_start": date(2020, 1, 1)}
    )
    return {"pk": policy.pk}


MANAGERS = {"manager": 200, "outsider_manager": 200}

ROWS = [
    Row("budgets:mine", same(200, anonymous=302)),
    Row("budgets:mine", same(200, anonymous=302), kwargs=budgets_for_everyone),
    Row(
        "budgets:employee",
        kwargs=lambda p: {"pk": p.employee.pk},
        expect=same(404, anonymous=302, employee=200, manager=200, hr=200),
    ),
    Row(
        "budgets:employee",
        kwargs=lambda p: {"pk": (budgets_for_everyone(p), p.other_employee.pk)[1]},
        expect=same(404, anonymous=302, other_employee=200, outsider_manager=200, hr=200),
    ),
    Row("budgets:team", same(403, anonymous=302, **MANAGERS)),
    Row("budgets:team", same(403, anonymous=302, **MANAGERS), kwargs=budgets_for_everyone),
    Row("budgets:overview", only_hr()),
    Row("budgets:overview", only_hr(), kwargs=budgets_for_everyone, query="q=vries"),
    Row("budgets:overview", only_hr(), kwargs=budgets_for_everyone, query="export=csv"),
    Row("budgets:overview", only_hr(), kwargs=budgets_for_everyone, query="export=xlsx"),
    Row("budgets:adjust", only_hr(), kwargs=budget_of("employee")),
    Row(
        "budgets:adjust",
        same(403, anonymous=302, hr=302),
        method="post",
        kwargs=budget_of("employee"),
        data={"amount": "25.00", "reason": "Pilot"},
    ),
    Row("budgets:adjust", only_hr(), method="post", kwargs=budget_of("employee"), data={"amount": "x"}),
    Row("budgets:policy_list", only_hr()),
    Row("budgets:policy_create", only_hr()),
    Row(
        "budgets:policy_create",
        same(403, anonymous=302, hr=302),
        method="post",
        data={
            "name": "Sales",
            "audience_kind": "everyone",
            "amount": "800",
            "hours": "10",
            "period_start": "2026-01-01",
            "period_months": "12",
            "pro_rata": "on",
            "carry_over": "none",
            "carry_over_limit": "0",
            "grace_days": "0",
            "over_budget": "refuse",
            "reminder_days": "30,7",
            "active": "on",
        },
    ),
    Row("budgets:policy_edit", only_hr(), kwargs=a_policy),
    Row("budgets:policy_edit", only_hr(), method="post", kwargs=a_policy, data={"name": ""}),
    Row("api:budget-list", same(403, anonymous=401, hr=200)),
    Row("api:budget-list", same(403, anonymous=401, hr=200), kwargs=budgets_for_everyone),
    Row("api:budget-me", same(404, anonymous=401)),
    Row("api:budget-me", same(200, anonymous=401), kwargs=budgets_for_everyone),
]
