"""The admin shows budgets and the ledger read-only: every change goes through the services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from people.admin_base import ReadOnlyAdmin as ReadOnly
from people.admin_base import money_field
from people.audience import AUDIENCE_RELATED

from .models import Budget, BudgetPolicy, LedgerEntry


@admin.register(BudgetPolicy)
class BudgetPolicyAdmin(ReadOnly):
    list_display = ["name", "audience_label", "amount_money", "hours", "period_start", "period_months", "active"]
    exclude = ["amount", "carry_over_limit"]
    readonly_fields = ["amount_money", "carry_over_limit_money"]
    amount_money = money_field("amount", _("amount"))
    carry_over_limit_money = money_field("carry_over_limit", _("carry-over limit"))
    list_select_related = AUDIENCE_RELATED


@admin.register(Budget)
class BudgetAdmin(ReadOnly):
    list_display = ["employee", "period_start", "period_end", "allocated_money", "committed_money", "spent_money"]
    list_display += ["expires_on"]
    fields = ["employee", "policy", "period_start", "period_end", "expires_on", "allocated_money", "committed_money"]
    fields += ["spent_money", "hours_allocated", "hours_used", "first_viewed_at", "expired_at", "created_at"]
    readonly_fields = ["allocated_money", "committed_money", "spent_money", "created_at"]
    allocated_money = money_field("allocated", _("allocated"))
    committed_money = money_field("committed", _("committed"))
    spent_money = money_field("spent", _("spent"))
    list_select_related = ["employee"]
    search_fields = ["employee__first_name", "employee__last_name", "employee__external_id"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnly):
    list_display = ["created_at", "budget", "kind", "allocated_money", "committed_money", "spent_money"]
    list_display += ["enrolment_id", "reason"]
    exclude = ["allocated", "committed", "spent", "description"]
    readonly_fields = ["what", "allocated_money", "committed_money", "spent_money"]
    allocated_money = money_field("allocated", _("allocated change"))
    committed_money = money_field("committed", _("committed change"))
    spent_money = money_field("spent", _("spent change"))

    @admin.display(description=_("description"))
    def what(self, entry):
        return entry.text

    list_filter = ["kind"]
    list_select_related = ["budget__employee"]
