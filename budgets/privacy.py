"""The budgets' part of a person's data: their budgets and every ledger line. Erasure keeps them:
the amounts stay for the books, on a record that no longer has a name."""

from django.utils.translation import gettext_lazy as _

from people.privacy import Money, model_rows
from people.registry import PersonalData, registry

from .models import Budget, LedgerEntry


def collect(employee) -> list[dict]:
    budgets = Budget.objects.filter(employee=employee).select_related("policy").order_by("period_start")
    rows = model_rows(
        budgets,
        ["period_start", "period_end", "expires_on"],
        extra={
            _("Allocated"): lambda b: Money(b.allocated),
            _("Committed"): lambda b: Money(b.committed),
            _("Spent"): lambda b: Money(b.spent),
            _("Available"): lambda b: Money(b.available),
        },
    )
    entries = LedgerEntry.objects.filter(budget__employee=employee).order_by("created_at", "pk")
    rows += model_rows(
        entries,
        ["created_at", "kind"],
        extra={
            _("Description"): lambda e: e.text,
            _("Amount"): lambda e: Money(e.amount),
            _("Reason"): lambda e: e.reason,
        },
    )
    return rows


def register() -> None:
    registry.add_personal_data(PersonalData("budgets", _("Budget and ledger"), collect, None, order=30))
