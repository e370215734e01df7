"""The admin shows the ledger, the rules and the rewards read-only: rules are tuned on L&D's
engagement page, rewards given there, and ledger lines are never edited."""

from django.contrib import admin

from people.admin_base import ReadOnlyAdmin as ReadOnly

from .models import Activity, PointRule, Reward


@admin.register(PointRule)
class PointRuleAdmin(ReadOnly):
    list_display = ["kind", "points", "daily_cap", "repeat_days", "updated_at"]


@admin.register(Activity)
class ActivityAdmin(ReadOnly):
    list_display = ["occurred_at", "employee", "kind", "points", "outcome", "label"]
    list_filter = ["kind", "outcome"]
    list_select_related = ["employee"]
    # the event keys are machine-shaped ("attendance:3:2026-11-27T08:00:00+00:00"): people read the
    # activity, its day and its label instead
    exclude = ["source", "subject"]


@admin.register(Reward)
class RewardAdmin(ReadOnly):
    list_display = ["created_at", "employee", "badge", "amount", "by"]
    list_select_related = ["employee", "by"]
