"""The goals' part of a person's data: the goals they own or sponsor and what they wrote in a
goal's history. Nothing is erased here: a goal belongs to the organisation, and a name someone
typed into a comment is replaced by the erasure's sweep (people.privacy)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.privacy import model_rows
from people.registry import PersonalData, registry

from .models import Goal, GoalTransition


def collect(employee) -> list[dict]:
    goals = Goal.objects.filter(Q(owner=employee) | Q(sponsor=employee)).select_related("owner", "sponsor")
    rows = model_rows(goals.order_by("deadline", "pk"), ["title", "owner", "sponsor", "status", "deadline"])
    written = GoalTransition.objects.filter(by=employee).exclude(comment="").select_related("goal").order_by("at")
    rows += model_rows(written, ["goal", "to_status", "at", "comment"])
    return rows


def register() -> None:
    registry.add_personal_data(
        PersonalData("goals", _("Goals you own, sponsor or commented on"), collect, None, order=70)
    )
