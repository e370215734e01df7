"""The admin shows budgets and the ledger read-only: every change goes through the services."""

from django.contrib import admin

from people.admin_base import ReadOnlyAdmin as ReadOnly
from people.audience import AUDIENCE_RELATED

from .models import Budget, BudgetPolicy, LedgerEntry


@admin.register(BudgetPolicy)
class BudgetPolicyAdmin(ReadOnly):
    list_display = ["name", "audience_label", "amount", "hours", "period_start", "period_months", "active"]
    list_select_related = AUDIENCE_RELATED


@admin.register(Budget)
class BudgetAdmin(ReadOnly):
    list_display = ["employee", "period_start", "period_end", "allocated", "committed", "spent", "expires_on"]
    list_select_related = ["employee"]
    search_fields = ["employee__first_name", "employee__last_name", "employee__external_id"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnly):
    list_display = ["created_at", "budget", "kind", "allocated", "committed", "spent", "enrolment_id", "reason"]
    list_filter = ["kind"]
    list_select_related = ["budget__employee"]
