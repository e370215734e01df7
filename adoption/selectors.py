"""Adoption's reads for the pages, the L&D home and the API: who sees which programme, each
programme's current cycle and stage, its checklist and its barrier lights, in a fixed number of
queries however many programmes there are."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from monitoring.periods import Period
from monitoring.selectors import Kept, kept_figures
from people.access import roles_of
from people.audience import AUDIENCE_RELATED, EVERYONE, AudienceKind
from people.models import DepartmentClosure, Employee

from .checklist import Step, checklists, progress
from .effects import BarrierEffect, effects_of
from .models import Action, Cycle, Programme


class Stage:
    NOT_STARTED = "not_started"
    RUNNING = "running"
    REVIEW_DUE = "review_due"
    REVIEWED = "reviewed"


def stage_label(stage: str) -> str:
    return {
        Stage.NOT_STARTED: _("No cycle yet"),
        Stage.RUNNING: _("Running"),
        Stage.REVIEW_DUE: _("Review due"),
        Stage.REVIEWED: _("Reviewed"),
    }[stage]


def _related(programmes: QuerySet) -> QuerySet:
    return programmes.select_related(
        "owner", "sponsor", "comparison_department", "comms_plan", *AUDIENCE_RELATED
    ).prefetch_related(
        "goals",
        Prefetch(
            "cycles",
            queryset=Cycle.objects.select_related("review").prefetch_related("figures").order_by("number"),
        ),
    )


def programmes_visible_to(user) -> QuerySet[Programme]:
    """L&D staff and `reporting:read` clients: every programme. A sponsor: the ones they sponsor. A
    manager: the ones whose pilot is their team's department (or one above it) or job group.
    Anyone else: none."""
    roles = roles_of(user)
    programmes = _related(Programme.objects.all())
    if roles.is_ld_staff or "reporting:read" in roles.scopes:
        return programmes
    me = roles.employee
    if me is None:
        return programmes.none()
    visible = Q(sponsor=me)
    if roles.is_manager:
        team = Employee.objects.filter(Q(manager=me) | Q(pk__in=_reports(me)))
        above = DepartmentClosure.objects.filter(
            descendant_id__in=team.exclude(department__isnull=True).values("department_id")
        ).values("ancestor_id")
        visible |= Q(audience_kind=AudienceKind.DEPARTMENT, audience_department__in=above)
        visible |= Q(audience_kind=AudienceKind.JOB_GROUP, audience_job_group__in=team.values("job_group_id"))
    return programmes.filter(visible)


def _reports(me: Employee):
    from people.reporting import team_member_ids

    return team_member_ids(me.pk)


def current_cycle(programme: Programme) -> Cycle | None:
    cycles = list(programme.cycles.all())  # prefetched, by number
    return cycles[-1] if cycles else None


def stage_of(cycle: Cycle | None, today: date) -> str:
    if cycle is None:
        return Stage.NOT_STARTED
    if hasattr(cycle, "review"):
        return Stage.REVIEWED
    return Stage.RUNNING if today <= cycle.ends_on else Stage.REVIEW_DUE


@dataclass
class ProgrammeRow:
    programme: Programme
    cycle: Cycle | None
    stage: str
    steps: list[Step]
    done: int
    effects: list[BarrierEffect]

    @property
    def stage_label(self) -> str:
        return stage_label(self.stage)

    @property
    def lights(self) -> list[dict]:
        from .shown import light_label

        return [
            {
                "number": e.barrier.number,
                "title": e.barrier.title,
                "light": e.light_now,
                "label": light_label(e.light_now),
            }
            for e in self.effects
        ]


def figures_kept(*, today: date, fresh: bool = False) -> Kept | None:
    """The organisation's figures over the 365 days up to today as the nightly task kept them today
    (monitoring.services.figures_due), which the checklists and the L&D home read instead of a
    statement over everyone; None before it has, or when `fresh` asks them worked out now. One
    query (none when fresh)."""
    return None if fresh else kept_figures(EVERYONE, Period.rolling_year(today), today=today)


def programme_rows(programmes: list[Programme], *, today: date, kept: Kept | None = None) -> list[ProgrammeRow]:
    """Each programme with its current cycle, stage, checklist and barrier lights: a fixed number
    of queries for any number of programmes (from programmes_visible_to). `kept`: figures_kept's,
    else the checklists' figures are worked out now."""
    current = {p.pk: current_cycle(p) for p in programmes}
    steps = checklists(programmes, current, today=today, kept=kept)
    effects = effects_of([c for c in current.values() if c is not None], today=today)
    return [
        ProgrammeRow(
            p,
            current[p.pk],
            stage_of(current[p.pk], today),
            steps[p.pk],
            progress(steps[p.pk]),
            effects.get(current[p.pk].pk, []) if current[p.pk] else [],
        )
        for p in programmes
    ]


def open_actions(programme: Programme, *, before: int | None = None) -> list[Action]:
    """The programme's open actions (decided in a cycle before `before` when given), due first."""
    actions = Action.objects.filter(programme=programme, done_at__isnull=True).select_related("owner", "review__cycle")
    if before is not None:
        actions = actions.filter(review__cycle__number__lt=before)
    return list(actions.order_by("due_on", "pk"))


def actions_overdue(*, today: date) -> QuerySet[Action]:
    return Action.objects.filter(done_at__isnull=True, due_on__lt=today)


# --- the sponsor's page -----------------------------------------------------------------------------


@dataclass
class SponsoredGoal:
    goal: object
    target: str
    current: str
    share: int | None  # how far from the baseline to the target, 0-100; None without figures

    @property
    def share_label(self) -> str:
        from people.formatting import percent

        return "–" if self.share is None else percent(self.share)


@dataclass
class SponsorOverview:
    waiting: list  # goals submitted for this sponsor's decision
    goals: list[SponsoredGoal]
    programmes: list[ProgrammeRow]

    @property
    def is_empty(self) -> bool:
        return not (self.waiting or self.goals or self.programmes)


def _share(goal, value) -> int | None:
    if value is None or goal.baseline is None or goal.target == goal.baseline:
        return None
    share = (value - goal.baseline) / (goal.target - goal.baseline) * 100
    return int(max(0, min(100, share)))


def sponsor_overview(employee: Employee, *, today: date, kept: Kept | None = None) -> SponsorOverview:
    """What this person sponsors: the goals waiting for their decision, the approved and active
    goals with their latest figure (goals' selectors), and their programmes with checklist and
    barrier lights (`kept`: as programme_rows); a fixed number of queries however much they
    sponsor."""
    from goals.selectors import latest_values, sponsor_inbox
    from goals.services.checks import show

    waiting, running = sponsor_inbox(employee)
    values = latest_values(running, today=today)
    goals = [
        SponsoredGoal(g, show(g.metric, g.target), show(g.metric, values.get(g.pk)), _share(g, values.get(g.pk)))
        for g in running
    ]
    programmes = list(_related(Programme.objects.filter(sponsor=employee)).order_by("name", "pk"))
    return SponsorOverview(waiting, goals, programme_rows(programmes, today=today, kept=kept))
