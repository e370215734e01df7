"""Which goal a person may open (goals_visible_to), and what they may do with it: the owner edits,
submits and withdraws; the sponsor decides, never on a goal they own."""

from django.http import Http404

from people.access import roles_of

from .models import Goal, GoalStatus
from .selectors import goals_visible_to


def access_goal(user, pk) -> Goal:
    goal = goals_visible_to(user).filter(pk=pk).first()
    if goal is None:
        raise Http404
    return goal


def goal_actions(user, goal: Goal) -> set[str]:
    """What the page offers this person: edit, submit, withdraw, decide."""
    me = roles_of(user).employee
    if me is None:
        return set()
    actions = set()
    if goal.owner_id == me.pk:
        if goal.status == GoalStatus.DRAFT:
            actions |= {"edit", "submit"}
        if goal.is_open:
            actions.add("withdraw")
    if goal.sponsor_id == me.pk and goal.owner_id != me.pk and goal.status == GoalStatus.SUBMITTED:
        actions.add("decide")
    return actions
