"""The admin shows goals, their history and the sponsors read-only: every change goes through the
goals pages and services (the transitions are never edited at all)."""

from django.contrib import admin

from people.admin_base import ReadOnlyAdmin as ReadOnly
from people.admin_base import ReadOnlyInline
from people.audience import AUDIENCE_RELATED

from .models import Goal, GoalTransition, Sponsor


class TransitionInline(ReadOnlyInline):
    model = GoalTransition
    fields = ["at", "from_status", "to_status", "by", "comment", "figure"]
    readonly_fields = fields


@admin.register(Goal)
class GoalAdmin(ReadOnly):
    list_display = ["title", "status", "metric", "audience_label", "deadline", "owner", "sponsor", "at_risk"]
    list_filter = ["status", "at_risk"]
    list_select_related = ["owner", "sponsor", *AUDIENCE_RELATED]
    search_fields = ["title"]
    inlines = [TransitionInline]


@admin.register(GoalTransition)
class GoalTransitionAdmin(ReadOnly):
    list_display = ["at", "goal", "from_status", "to_status", "by"]
    list_select_related = ["goal", "by"]


@admin.register(Sponsor)
class SponsorAdmin(ReadOnly):
    list_display = ["employee", "marked_by", "created_at"]
    list_select_related = ["employee", "marked_by"]
