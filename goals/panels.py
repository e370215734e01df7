"""Home-page panels: the sponsor's inbox (what waits for their decision, what they sponsor) and
"our goals" for the people in a goal's audience. Each a constant number of queries."""

from .selectors import is_sponsor, latest_values, our_goals, sponsor_inbox
from .services.checks import show


def _rows(goals):
    values = latest_values(goals)
    return [(goal, show(goal.metric, goal.target), show(goal.metric, values.get(goal.pk))) for goal in goals]


def inbox_panel(request, roles) -> dict:
    me = roles.employee
    if me is None or not is_sponsor(me):
        return {"goals_inbox": None}
    waiting, sponsored = sponsor_inbox(me)
    return {"goals_inbox": {"waiting": waiting, "sponsored": _rows(sponsored)}}


def ours_panel(request, roles) -> dict:
    me = roles.employee
    return {"our_goals": _rows(our_goals(me)) if me is not None else []}
