"""Every write to budgets, by subject: each movement appends one ledger entry and moves the budget's
balance row in the same transaction; the balance row's CheckConstraint is the last line.

allocation  policies, periods and entitlements; budgets allocated and re-allocated pro rata, set-based
ledger      the enrolment life cycle (commit, release, spend), adjustments, the balance check
expiry      the end of a period (carry-over and expiry) and the reminders before it
"""

from .allocation import (
    EXACT,
    NEW_BUDGET_COLUMNS,
    SPECIFICITY,
    PolicyResolver,
    budget_allocate,
    budget_policy_save,
    entitlement,
    exact,
    policy_period,
)
from .expiry import budget_expire, budget_reminders_send
from .ledger import (
    InsufficientBudget,
    budget_adjust,
    budget_commit,
    budget_current,
    budget_mark_viewed,
    budget_release,
    budget_spend,
    budgets_recompute,
    is_own_budget,
)

__all__ = [
    "EXACT",
    "NEW_BUDGET_COLUMNS",
    "SPECIFICITY",
    "InsufficientBudget",
    "PolicyResolver",
    "budget_adjust",
    "budget_allocate",
    "budget_commit",
    "budget_current",
    "budget_expire",
    "budget_mark_viewed",
    "budget_policy_save",
    "budget_release",
    "budget_reminders_send",
    "budget_spend",
    "budgets_recompute",
    "entitlement",
    "exact",
    "is_own_budget",
    "policy_period",
]
