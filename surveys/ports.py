"""What the surveys app provides to others through people.registry: the barrier scan's figures per
barrier for an audience (monitoring's barrier-1 indicator, goals' baseline), anonymity-safe."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from people.audience import AudienceKind
from people.registry import BarrierScanResult, BarrierScore

from .anonymity import EVERYONE, Group
from .models import Barrier, Kind, QuestionKind, Side, Status, Survey
from .selectors import SurveyFigures, survey_figures


def group_for_audience(audience) -> Group | None:
    """The breakdown group that is this audience, when responses can tell (None for a team, whose
    members an anonymous response does not record)."""
    kind = audience.kind
    if kind == AudienceKind.EVERYONE:
        return EVERYONE
    if kind == AudienceKind.DEPARTMENT:
        return Group(department_id=audience.department_id)
    if kind == AudienceKind.JOB_GROUP:
        return Group(job_group_id=audience.job_group_id)
    if kind == AudienceKind.DEPARTMENT_JOB_GROUP:
        return Group(department_id=audience.department_id, job_group_id=audience.job_group_id)
    if kind == AudienceKind.MANAGERS:
        return Group(side=Side.MANAGERS)
    return None


def _side_mean(figures: SurveyFigures, group: Group, barrier: int, side: str) -> tuple[Decimal | None, int | None]:
    sided = Group(group.department_id, group.job_group_id, side)
    shown = figures.figures(sided)
    if shown is None:
        return None, None
    total, answers = Decimal(0), 0
    for q in figures.questions:
        if q.barrier == barrier and q.side == side and q.kind == QuestionKind.LIKERT:
            f = shown.questions[q.pk]
            total += f.total
            answers += f.answers
    if not answers:
        return None, shown.respondents
    return (total / answers).quantize(Decimal("0.01")), shown.respondents


def barrier_scores(figures: SurveyFigures, group: Group) -> tuple[BarrierScore, ...]:
    """Employees' and managers' mean agreement per barrier, and the gap, where both may be shown."""
    scores = []
    for barrier in Barrier.values:
        employees, n_employees = _side_mean(figures, group, barrier, Side.EMPLOYEES)
        managers, n_managers = _side_mean(figures, group, barrier, Side.MANAGERS)
        gap = employees - managers if employees is not None and managers is not None else None
        scores.append(BarrierScore(barrier, employees, managers, gap, n_employees, n_managers))
    return tuple(scores)


def barrier_scan_results(audience, on: date | None = None) -> BarrierScanResult | None:
    """The BARRIER_SCAN_RESULTS port (see people.registry and docs/surveys.md)."""
    group = group_for_audience(audience)
    if group is None:
        return None
    on = on or timezone.localdate()
    scans = Survey.objects.filter(kind=Kind.BARRIER_SCAN, status=Status.CLOSED, closed_at__date__lte=on).order_by(
        "-closed_at", "-pk"
    )
    for survey in scans[:10]:
        figures = survey_figures(survey)
        if group not in figures.released:
            continue
        return BarrierScanResult(
            survey_id=survey.pk,
            title=survey.title,
            closed_at=survey.closed_at,
            respondents=figures.cells.size(group),
            scores=barrier_scores(figures, group),
        )
    return None
