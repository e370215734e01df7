"""Home-page panels: the sponsor's inbox (what waits for their decision, what they sponsor) and
"our goals" for the people in an active goal's audience. Both read one query together (kept on the
request), plus one for the current values when there are goals: a home without goals costs one."""

from django.db.models import Q

from people.audience import AUDIENCE_RELATED, audiences_containing

from .models import Goal, GoalStatus
from .selectors import latest_values
from .services.checks import show

SPONSOR_SHOWS = (GoalStatus.SUBMITTED, GoalStatus.APPROVED, GoalStatus.ACTIVE)


def _home_goals(request, me):
    cached = getattr(request, "_goals_home", None)
    if cached is not None:
        return cached
    ours = audiences_containing(Goal.objects.filter(status=GoalStatus.ACTIVE), me).values("pk")
    goals = list(
        Goal.objects.filter(Q(sponsor=me, status__in=SPONSOR_SHOWS) | Q(pk__in=ours))
        .select_related("owner", "sponsor", *AUDIENCE_RELATED)
        .order_by("deadline", "pk")
    )
    sponsored = [g for g in goals if g.sponsor_id == me.pk]
    # "Our goals" are the audience's: the ones this person owns or sponsors are on their lists already.
    mine = [g for g in goals if g.status == GoalStatus.ACTIVE and g not in sponsored and g.owner_id != me.pk]
    values = latest_values([g for g in goals if g.status == GoalStatus.ACTIVE])
    request._goals_home = (sponsored, mine, values)
    return request._goals_home


def _rows(goals, values):
    return [(goal, show(goal.metric, goal.target), show(goal.metric, values.get(goal.pk))) for goal in goals]


def inbox_panel(request, roles) -> dict:
    """For managers (sponsors by their role) and anyone sponsoring a goal now."""
    me = roles.employee
    if me is None:
        return {"goals_inbox": None}
    sponsored, _ours, values = _home_goals(request, me)
    if not (roles.is_manager or sponsored):
        return {"goals_inbox": None}
    waiting = [g for g in sponsored if g.status == GoalStatus.SUBMITTED]
    running = [g for g in sponsored if g.status != GoalStatus.SUBMITTED]
    return {"goals_inbox": {"waiting": waiting, "sponsored": _rows(running, values)}}


def ours_panel(request, roles) -> dict:
    me = roles.employee
    if me is None:
        return {"our_goals": []}
    _sponsored, ours, values = _home_goals(request, me)
    return {"our_goals": _rows(ours, values)}
