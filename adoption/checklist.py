"""The six steps of a cycle, computed live from the other apps, for many programmes at once in a
fixed number of queries (the L&D home shows every programme's progress): the goals, the sponsors,
the ambassadors (engagement, through a port), the offer's coverage gaps (monitoring's fact engine),
the learning-time policies and learning moments, the programme's communication plan, and the
review of the previous cycle. Who is reached is counted in one statement over the employees, with
one conditional count per programme and question."""

from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comms.models import CommunicationPlan, Message
from goals.models import Goal, GoalStatus
from goals.selectors import sponsor_candidates
from monitoring.periods import Period
from monitoring.selectors import Kept, metric_breakdown
from people.audience import EVERYONE, AudienceKind, audience_condition
from people.formatting import day as show_day
from people.models import Employee
from people.registry import AMBASSADOR_IDS, registry
from policy.models import LearningMoment, LearningTimePolicy

from .models import Cycle, Programme, Review

STEPS = 6
DECIDED = (GoalStatus.APPROVED, GoalStatus.ACTIVE, GoalStatus.ACHIEVED)
NOBODY = Q(pk__lt=0)


@dataclass
class Step:
    number: int
    title: str
    done: bool
    lines: list[str] = field(default_factory=list)  # what is open, or what is in place
    fixes: list[tuple[str, str]] = field(default_factory=list)  # (label, url) of the pages that fix it
    applies: bool = True


def step_titles() -> dict[int, str]:
    return {
        1: _("Clear goals"),
        2: _("Involve employees"),
        3: _("A diverse, relevant offer"),
        4: _("Policy and anchoring"),
        5: _("A communication plan"),
        6: _("Continuous improvement"),
    }


def _any(audiences) -> Q:
    """Membership of any of these audiences (everyone's condition is empty: no condition at all)."""
    audiences = list(audiences)
    if any(a.kind == AudienceKind.EVERYONE for a in audiences):
        return Q(pk__isnull=False)
    conditions = [audience_condition(a) for a in audiences]
    return reduce(or_, conditions) if conditions else NOBODY


def _gaps(programmes: list[Programme], today: date, kept: Kept | None) -> dict[int, int | None]:
    """People in an offer gap in each programme's audience (monitoring's coverage_gap facts over
    the 365 days up to today): from the figures the nightly task kept when given (no statement),
    else at most one statement over everyone per audience kind (departments, job groups)."""
    period = Period.rolling_year(today)
    kinds = {p.audience_kind for p in programmes}
    rows = {}
    for kind, by in ((AudienceKind.DEPARTMENT, "department"), (AudienceKind.JOB_GROUP, "job_group")):
        if kind in kinds:
            rows[kind] = metric_breakdown(by, EVERYONE, period, ["coverage_gap"], today=today, kept=kept)
    result = {}
    for p in programmes:
        key = p.audience_department_id if p.audience_kind == AudienceKind.DEPARTMENT else p.audience_job_group_id
        figure = rows.get(p.audience_kind, {}).get(key, {}).get("coverage_gap")
        result[p.pk] = int(figure.numerator) if figure is not None else 0
    return result


def _goal_audience_q(programmes: list[Programme]) -> Q:
    q = NOBODY
    for p in programmes:
        a = p.audience
        q |= Q(
            audience_kind=a.kind,
            audience_department_id=a.department_id,
            audience_job_group_id=a.job_group_id,
            audience_manager_id=a.manager_id,
        )
    return q


def checklists(
    programmes: list[Programme], current: dict[int, Cycle | None], *, today: date, kept: Kept | None = None
) -> dict[int, list[Step]]:
    """Each programme's six steps for its current cycle. `programmes` come from the selectors (their
    linked goals prefetched); `kept`: the organisation's figures over the 365 days up to today as
    the nightly task kept them (adoption.selectors.figures_kept), else the gaps are worked out now.
    About nine queries whatever the number of programmes."""
    if not programmes:
        return {}
    titles = step_titles()
    linked = {p.pk: {g.pk for g in p.goals.all()} for p in programmes}
    goals = list(
        Goal.objects.filter(status__in=DECIDED)
        .filter(Q(pk__in={pk for ids in linked.values() for pk in ids}) | _goal_audience_q(programmes))
        .prefetch_related("surveys")
    )
    sponsors = set(
        sponsor_candidates()
        .filter(pk__in={p.sponsor_id for p in programmes if p.sponsor_id})
        .values_list("pk", flat=True)
    )
    ambassador_port = registry.find(AMBASSADOR_IDS)
    ambassadors = ambassador_port() if ambassador_port else None
    gaps = _gaps(programmes, today, kept)
    policies = [p.audience for p in LearningTimePolicy.objects.all()]
    moments = [
        m.audience
        for m in LearningMoment.objects.filter(active=True).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    ]
    plan_ids = {p.comms_plan_id for p in programmes if p.comms_plan_id}
    plans = {plan.pk: plan for plan in CommunicationPlan.objects.filter(pk__in=plan_ids)}
    messages: dict[int, list[Message]] = {}
    for m in Message.objects.filter(plan_id__in=plan_ids, parent=None).order_by("pk"):
        messages.setdefault(m.plan_id, []).append(m)
    previous = {
        (r.cycle.programme_id, r.cycle.number): r
        for r in Review.objects.filter(
            cycle__programme__in=[p.pk for p in programmes],
            cycle__number__in={c.number - 1 for c in current.values() if c is not None},
        ).select_related("cycle")
    }

    goals_of: dict[int, list[Goal]] = {}
    for p in programmes:
        goals_of[p.pk] = [g for g in goals if g.pk in linked[p.pk] or g.audience == p.audience]

    counts = {}
    for p in programmes:
        mine = audience_condition(p.audience)
        surveys = [s.audience for g in goals_of[p.pk] for s in g.surveys.all()]
        message_audiences = [m.audience for m in messages.get(p.comms_plan_id, []) if m.audience.is_set]
        counts[f"size_{p.pk}"] = Count("pk", filter=mine)
        counts[f"surveyed_{p.pk}"] = Count("pk", filter=mine & _any(surveys))
        counts[f"no_policy_{p.pk}"] = Count("pk", filter=mine & ~_any(policies))
        counts[f"no_moment_{p.pk}"] = Count("pk", filter=mine & ~_any(moments))
        counts[f"unreached_{p.pk}"] = Count("pk", filter=mine & ~_any(message_audiences))
        if ambassadors is not None:
            counts[f"ambassadors_{p.pk}"] = Count("pk", filter=mine & Q(pk__in=sorted(ambassadors) or [0]))
    n = Employee.objects.filter(active=True).aggregate(**counts)

    result = {}
    for p in programmes:
        cycle = current.get(p.pk)
        steps = [
            _step1(p, titles[1], goals_of[p.pk], n[f"surveyed_{p.pk}"]),
            _step2(p, titles[2], p.sponsor_id in sponsors, n.get(f"ambassadors_{p.pk}")),
            _step3(titles[3], gaps[p.pk]),
            _step4(titles[4], n[f"size_{p.pk}"], n[f"no_policy_{p.pk}"], n[f"no_moment_{p.pk}"]),
            _step5(p, titles[5], plans.get(p.comms_plan_id), messages.get(p.comms_plan_id, []), n[f"unreached_{p.pk}"]),
            _step6(titles[6], cycle, previous),
        ]
        result[p.pk] = steps
    return result


def progress(steps: list[Step]) -> int:
    return sum(1 for s in steps if s.done)


def _step1(p: Programme, title: str, goals: list[Goal], surveyed: int) -> Step:
    if not goals:
        return Step(
            1,
            title,
            False,
            [_("No approved goal for this audience yet.")],
            [(_("Propose a goal"), reverse("goals:create"))],
        )
    if not surveyed:
        return Step(
            1,
            title,
            False,
            [_("The approved goal is not informed by a survey of this audience.")],
            [(_("Survey the audience"), reverse("surveys:create")), (_("Goals"), reverse("goals:list"))],
        )
    return Step(1, title, True, [_("Approved goal: %(title)s") % {"title": goals[0].title}])


def _step2(p: Programme, title: str, has_sponsor: bool, ambassadors: int | None) -> Step:
    lines, fixes = [], []
    if not has_sponsor:
        lines.append(_("No sponsor in management yet."))
        fixes.append((_("Choose a sponsor"), reverse("adoption:edit", args=[p.pk])))
    if ambassadors is None:
        lines.append(_("Ambassadors are not recorded yet (the engagement module is not installed)."))
    elif not ambassadors:
        lines.append(_("No ambassador in the audience yet."))
        fixes.append(_ambassador_fix())
    if lines:
        return Step(2, title, False, lines, [f for f in fixes if f])
    return Step(
        2,
        title,
        True,
        [
            ngettext("A sponsor and %(n)s ambassador.", "A sponsor and %(n)s ambassadors.", ambassadors)
            % {"n": ambassadors}
        ],
    )


def _ambassador_fix() -> tuple[str, str] | None:
    from django.urls import NoReverseMatch

    try:
        return (_("Recognise an ambassador"), reverse("engagement:ambassadors"))
    except NoReverseMatch:
        return None


def _step3(title: str, in_gap: int) -> Step:
    if in_gap:
        return Step(
            3,
            title,
            False,
            [
                ngettext(
                    "%(n)s person in the audience finds nothing at their level for the skills their job needs.",
                    "%(n)s people in the audience find nothing at their level for the skills their job needs.",
                    in_gap,
                )
                % {"n": in_gap}
            ],
            [(_("Close the gaps in the offer"), reverse("catalog:diversity"))],
        )
    return Step(3, title, True, [_("No gaps in the offer for the audience's job groups and education levels.")])


def _step4(title: str, size: int, no_policy: int, no_moment: int) -> Step:
    lines, fixes = [], []
    if not size:
        return Step(4, title, False, [_("The audience reaches nobody.")], [])
    if no_policy:
        lines.append(
            ngettext(
                "%(n)s person in the audience has no learning-time policy.",
                "%(n)s people in the audience have no learning-time policy.",
                no_policy,
            )
            % {"n": no_policy}
        )
        fixes.append((_("Set learning time"), reverse("policy:policy_create")))
    if no_moment:
        lines.append(
            ngettext(
                "%(n)s person in the audience has no recurring learning moment.",
                "%(n)s people in the audience have no recurring learning moment.",
                no_moment,
            )
            % {"n": no_moment}
        )
        fixes.append((_("Plan a learning moment"), reverse("policy:moment_create")))
    if lines:
        return Step(4, title, False, lines, fixes)
    return Step(4, title, True, [_("Everyone in the audience has learning time and a recurring learning moment.")])


def _step5(p: Programme, title: str, plan, messages: list[Message], unreached: int) -> Step:
    if plan is None:
        return Step(
            5,
            title,
            False,
            [_("No communication plan for this programme yet.")],
            [
                (_("Plan communication"), reverse("comms:plan_create")),
                (_("Link a plan"), reverse("adoption:edit", args=[p.pk])),
            ],
        )
    fix = [(_("Open the plan"), reverse("comms:plan_detail", args=[plan.pk]))]
    lines = []
    if not messages:
        lines.append(_("The plan has no messages yet."))
    incomplete = [m for m in messages if m.missing_ws()]
    if incomplete:
        lines.append(
            ngettext(
                "%(n)s message does not answer all five W's.",
                "%(n)s messages do not answer all five W's.",
                len(incomplete),
            )
            % {"n": len(incomplete)}
        )
    if messages and unreached:
        lines.append(
            ngettext(
                "%(n)s person in the audience is reached by none of its messages.",
                "%(n)s people in the audience are reached by none of its messages.",
                unreached,
            )
            % {"n": unreached}
        )
    if plan.status != CommunicationPlan.Status.ACTIVE:
        lines.append(_("The plan is not active."))
    if lines:
        return Step(5, title, False, lines, fix)
    return Step(5, title, True, [_("“%(plan)s” reaches everyone and answers the five W's.") % {"plan": plan.name}])


def _step6(title: str, cycle: Cycle | None, previous: dict) -> Step:
    if cycle is None:
        return Step(6, title, False, [_("No cycle started yet.")], [])
    if cycle.number == 1:
        return Step(6, title, True, [_("The first cycle: its review comes at its end.")], applies=False)
    review = previous.get((cycle.programme_id, cycle.number - 1))
    if review is None:
        prev_url = reverse("adoption:detail", args=[cycle.programme_id]) + f"?cycle={cycle.number - 1}"
        return Step(
            6, title, False, [_("The previous cycle was not reviewed.")], [(_("Review the previous cycle"), prev_url)]
        )
    return Step(6, title, True, [_("The previous cycle was reviewed on %(day)s.") % {"day": show_day(review.held_on)}])
