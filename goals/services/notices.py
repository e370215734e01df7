"""People are told what happened to a goal, through the delivery service (the NOTIFY port), each in
their own language, once per event (the message key): the sponsor when a goal waits for them; the
owner, the sponsor and L&D staff of a decision; the owner and sponsor when it turns at risk (once)
and of the outcome at the deadline."""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from people.access import LD_STAFF_GROUP
from people.formatting import day
from people.models import Employee
from people.notices import literal, notify_each_language

from ..models import Goal, GoalStatus


def _link(goal: Goal) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("goals:detail", args=[goal.pk])


def _people(ids) -> list[tuple[int, str]]:
    return list(Employee.objects.filter(pk__in=ids, active=True).values_list("pk", "locale"))


def _ld_staff() -> list[int]:
    return list(
        Employee.objects.filter(active=True, user__isnull=False, user__is_active=True)
        .filter(Q(user__groups__name=LD_STAFF_GROUP) | Q(user__is_superuser=True))
        .distinct()
        .values_list("pk", flat=True)
    )


def _tell(key: str, ids, compose, goal: Goal) -> int:
    return notify_each_language(key=key, people=_people(set(ids)), compose=compose, link=_link(goal), category="system")


def submitted_notify(goal: Goal) -> int:
    values = {"title": literal(goal.title), "owner": literal(goal.owner.full_name)}

    def compose():
        subject = _("A goal waits for your approval: %(title)s") % values
        body = (
            _("%(owner)s asks you to sponsor the goal “%(title)s”. Approve or reject it from your home page.") % values
        )
        return subject, body

    return _tell(f"goals.submitted:{goal.pk}", [goal.sponsor_id], compose, goal)


def decision_notify(goal: Goal, *, by: Employee, comment: str) -> int:
    """Approved or rejected: the owner, the sponsor and L&D staff."""
    values = {"title": literal(goal.title), "by": literal(by.full_name), "comment": literal(comment)}
    approved = goal.status != GoalStatus.REJECTED

    def compose():
        values["deadline"] = day(goal.deadline)
        if approved:
            subject = _("Goal approved: %(title)s") % values
            body = _("%(by)s approved the goal “%(title)s”. It is active until %(deadline)s.") % values
        else:
            subject = _("Goal rejected: %(title)s") % values
            body = _("%(by)s rejected the goal “%(title)s”.") % values
        if comment:
            body += "\n\n" + _("Comment: %(comment)s") % values
        return subject, body

    ids = [goal.owner_id, goal.sponsor_id, *_ld_staff()]
    return _tell(f"goals.decided:{goal.pk}", ids, compose, goal)


def withdrawn_notify(goal: Goal, *, comment: str) -> int:
    values = {"title": literal(goal.title), "owner": literal(goal.owner.full_name), "comment": literal(comment)}

    def compose():
        subject = _("Goal withdrawn: %(title)s") % values
        body = _("%(owner)s withdrew the goal “%(title)s”.") % values
        if comment:
            body += "\n\n" + _("Comment: %(comment)s") % values
        return subject, body

    return _tell(f"goals.withdrawn:{goal.pk}", [goal.sponsor_id], compose, goal)


def risk_notify(goal: Goal, *, current: str, projected: str, target: str) -> int:
    values = {"title": literal(goal.title), "current": current, "projected": projected, "target": target}

    def compose():
        values["deadline"] = day(goal.deadline)
        subject = _("Goal at risk: %(title)s") % values
        body = (
            _(
                "At the pace so far, “%(title)s” arrives at %(projected)s by %(deadline)s, short of the target of "
                "%(target)s. Where we are now: %(current)s."
            )
            % values
        )
        return subject, body

    return _tell(f"goals.at_risk:{goal.pk}", [goal.owner_id, goal.sponsor_id], compose, goal)


def outcome_notify(goal: Goal, *, final: str, target: str) -> int:
    values = {"title": literal(goal.title), "final": final, "target": target}
    achieved = goal.status == GoalStatus.ACHIEVED

    def compose():
        values["deadline"] = day(goal.deadline)
        if achieved:
            subject = _("Goal achieved: %(title)s") % values
            body = _("“%(title)s” reached %(final)s by %(deadline)s: the target was %(target)s.") % values
        else:
            subject = _("Goal missed: %(title)s") % values
            body = _("“%(title)s” reached %(final)s by %(deadline)s, short of the target of %(target)s.") % values
        return subject, body

    return _tell(f"goals.outcome:{goal.pk}", [goal.owner_id, goal.sponsor_id], compose, goal)
