"""A goal's life: draft → submitted → approved (and at once active) or rejected → achieved or
missed at the deadline, or withdrawn by its owner. Each step is one conditional UPDATE on the status
it starts from, inside one transaction with its log entry and its notices: a double click, two
decisions at once or a withdrawal during an approval end in one transition, the others refused."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.audience import Audience
from people.audit import audit_record
from people.models import Employee

from ..models import Goal, GoalStatus, GoalTransition, Sponsor
from . import notices
from .checks import goal_problems, live_figure


class GoalRefused(ValidationError):
    """The action is not allowed, or the goal moved on meanwhile (code "moved")."""


OPEN_FOR_WITHDRAWAL = (GoalStatus.DRAFT, GoalStatus.SUBMITTED, GoalStatus.APPROVED, GoalStatus.ACTIVE)


def _log(goal: Goal, *, from_status: str, to_status: str, by: Employee | None, comment: str = "", figure=None):
    return GoalTransition.objects.create(
        goal=goal, from_status=from_status, to_status=to_status, by=by, comment=comment, figure=figure
    )


def _claim(goal: Goal, from_statuses, **changes) -> bool:
    """Move the goal on only if it is still in one of these statuses: True for the one caller that
    changed the row; everyone else finds it moved."""
    return Goal.objects.filter(pk=goal.pk, status__in=list(from_statuses)).update(**changes) == 1


def _moved() -> GoalRefused:
    return GoalRefused(_("This goal has moved on meanwhile; reload the page to see where it stands."), code="moved")


def _fields_problems(goal: Goal, *, baseline=None, today=None) -> dict[str, str]:
    return goal_problems(
        owner=goal.owner,
        title=goal.title,
        why=goal.why,
        audience=goal.audience,
        metric=goal.metric,
        target=goal.target,
        deadline=goal.deadline,
        sponsor=goal.sponsor,
        surveys=list(goal.surveys.all()) if goal.pk else [],
        baseline=baseline,
        today=today,
    )


@transaction.atomic
def goal_create(
    *,
    owner: Employee,
    title: str,
    why: str,
    audience: Audience,
    metric: str,
    target: Decimal,
    deadline: date,
    sponsor: Employee,
    surveys=(),
) -> Goal:
    """A draft goal, owned by whoever proposes it (L&D staff, or a manager for their own team)."""
    problems = goal_problems(
        owner=owner,
        title=title,
        why=why,
        audience=audience,
        metric=metric,
        target=target,
        deadline=deadline,
        sponsor=sponsor,
        surveys=surveys,
    )
    if problems:
        raise ValidationError(problems)
    goal = Goal(title=title.strip(), why=why.strip(), metric=metric, target=target, deadline=deadline)
    goal.owner, goal.sponsor, goal.audience = owner, sponsor, audience
    goal.save()
    goal.surveys.set(surveys)
    _log(goal, from_status="", to_status=GoalStatus.DRAFT, by=owner)
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, by: Employee, **fields) -> Goal:
    """Change a draft (its owner only)."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    if goal.owner_id != by.pk:
        raise GoalRefused(_("Only the owner changes a goal."), code="not_owner")
    if goal.status != GoalStatus.DRAFT:
        raise GoalRefused(_("Only a draft can be changed."), code="not_draft")
    surveys = fields.pop("surveys", None)
    audience = fields.pop("audience", None)
    for name, value in fields.items():
        setattr(goal, name, value.strip() if isinstance(value, str) else value)
    if audience is not None:
        goal.audience = audience
    problems = goal_problems(
        owner=goal.owner,
        title=goal.title,
        why=goal.why,
        audience=goal.audience,
        metric=goal.metric,
        target=goal.target,
        deadline=goal.deadline,
        sponsor=goal.sponsor,
        surveys=list(goal.surveys.all()) if surveys is None else surveys,
    )
    if problems:
        raise ValidationError(problems)
    goal.save()
    if surveys is not None:
        goal.surveys.set(surveys)
    return goal


@transaction.atomic
def goal_submit(*, goal: Goal, by: Employee, today: date | None = None) -> Goal:
    """The owner submits the draft to its sponsor; the baseline is the live figure now."""
    today = today or timezone.localdate()
    if goal.owner_id != by.pk:
        raise GoalRefused(_("Only the owner submits a goal."), code="not_owner")
    if goal.status != GoalStatus.DRAFT:
        raise _moved()
    baseline = live_figure(goal.metric, goal.audience, today)
    if baseline is None:
        raise ValidationError(
            {"metric": _("There is no figure yet for this metric and audience, so there is no baseline to start from.")}
        )
    problems = _fields_problems(goal, baseline=baseline, today=today)
    if problems:
        raise ValidationError(problems)
    if not _claim(goal, [GoalStatus.DRAFT], status=GoalStatus.SUBMITTED, baseline=baseline, baseline_on=today):
        raise _moved()
    goal.refresh_from_db()
    _log(goal, from_status=GoalStatus.DRAFT, to_status=GoalStatus.SUBMITTED, by=by, figure=baseline)
    notices.submitted_notify(goal)
    return goal


def _may_decide(goal: Goal, by: Employee) -> None:
    if goal.sponsor_id != by.pk:
        raise GoalRefused(_("Only the goal's sponsor decides on it."), code="not_sponsor")
    if goal.owner_id == by.pk:
        raise GoalRefused(_("Nobody approves a goal they own."), code="own_goal")


@transaction.atomic
def goal_approve(*, goal: Goal, by: Employee, comment: str = "", today: date | None = None) -> Goal:
    """The sponsor approves: the goal is approved and active from today."""
    today = today or timezone.localdate()
    _may_decide(goal, by)
    if not _claim(goal, [GoalStatus.SUBMITTED], status=GoalStatus.ACTIVE, started_on=today):
        raise _moved()
    goal.refresh_from_db()
    _log(goal, from_status=GoalStatus.SUBMITTED, to_status=GoalStatus.APPROVED, by=by, comment=comment.strip())
    _log(goal, from_status=GoalStatus.APPROVED, to_status=GoalStatus.ACTIVE, by=by)
    audit_record(
        action="goal.approved",
        obj=goal,
        changes={"status": [GoalStatus.SUBMITTED, GoalStatus.ACTIVE]},
        reason=comment.strip(),
        by=by.user,
    )
    notices.decision_notify(goal, by=by, comment=comment.strip())
    return goal


@transaction.atomic
def goal_reject(*, goal: Goal, by: Employee, comment: str) -> Goal:
    """The sponsor rejects, and says why."""
    comment = (comment or "").strip()
    _may_decide(goal, by)
    if not comment:
        raise ValidationError({"comment": _("Say why you reject it: the owner reads this.")})
    if not _claim(goal, [GoalStatus.SUBMITTED], status=GoalStatus.REJECTED):
        raise _moved()
    goal.refresh_from_db()
    _log(goal, from_status=GoalStatus.SUBMITTED, to_status=GoalStatus.REJECTED, by=by, comment=comment)
    audit_record(
        action="goal.rejected",
        obj=goal,
        changes={"status": [GoalStatus.SUBMITTED, GoalStatus.REJECTED]},
        reason=comment,
        by=by.user,
    )
    notices.decision_notify(goal, by=by, comment=comment)
    return goal


@transaction.atomic
def goal_withdraw(*, goal: Goal, by: Employee, comment: str = "") -> Goal:
    """The owner withdraws a goal that has not ended."""
    if goal.owner_id != by.pk:
        raise GoalRefused(_("Only the owner withdraws a goal."), code="not_owner")
    was = Goal.objects.filter(pk=goal.pk).values_list("status", flat=True).first()
    if was not in OPEN_FOR_WITHDRAWAL or not _claim(goal, [was], status=GoalStatus.WITHDRAWN):
        raise _moved()
    goal.refresh_from_db()
    _log(goal, from_status=was, to_status=GoalStatus.WITHDRAWN, by=by, comment=comment.strip())
    if was != GoalStatus.DRAFT:
        notices.withdrawn_notify(goal, comment=comment.strip())
    return goal


# --- sponsors -----------------------------------------------------------------------------------


def sponsor_mark(*, employee: Employee, by: Employee | None) -> Sponsor:
    """L&D staff mark someone as a sponsor (managers are sponsors already)."""
    if not employee.active:
        raise ValidationError({"employee": _("%(name)s no longer works here.") % {"name": employee.full_name}})
    with transaction.atomic():
        mark, created = Sponsor.objects.get_or_create(employee=employee, defaults={"marked_by": by})
        if created:  # a right given (approving goals): in the audit trail, as every role grant
            audit_record(
                action="rights.changed",
                obj=mark,
                subject=employee,
                changes={"sponsor": [False, True]},
                by=by.user if by is not None else None,
            )
    return mark


def sponsor_unmark(*, employee: Employee) -> None:
    """Goals they sponsor keep their sponsor; only new goals cannot choose them."""
    with transaction.atomic():
        marks = list(Sponsor.objects.filter(employee=employee).values_list("pk", flat=True))
        Sponsor.objects.filter(pk__in=marks).delete()
        for pk in marks:
            audit_record(
                action="rights.changed",
                object_type="goals.sponsor",
                object_id=pk,
                subject=employee,
                changes={"sponsor": [True, False]},
            )
