"""What the surveys app provides to others through people.registry: the barrier scan's figures per
barrier for an audience (monitoring's barrier-1 indicator, goals' baseline) and the learning items'
ratings from their evaluations (the catalog's), anonymity-safe."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from people.audience import AudienceKind
from people.registry import AskedFor, BarrierScanResult, BarrierScore, ItemRating, SurveyFigure

from .anonymity import EVERYONE, Group
from .models import Answer, Barrier, Kind, QuestionKind, Side, Status, Survey
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


AGREE = 4  # on the 1-5 scale, 4 (agree) and 5 (fully agree) say yes
AWARENESS_KEY = "know_offer"  # "I know what learning opportunities there are."


def survey_measure(measure: str, audience, start: date, end: date) -> SurveyFigure | None:
    """The SURVEY_MEASURE port (see people.registry), read from the barrier scan that
    BARRIER_SCAN_RESULTS chooses: the latest closed on or before `end`, and not before `start`,
    whose released groups include the audience.

    perception_gap: barrier 1's mean agreement of employees minus that of managers, as points out
        of 100 on the 1-5 scale (|gap| x 100 / 4): 2.0 against 4.0 is 50 points.
    awareness: of the employees' answers to "I know what learning opportunities there are", the
        share that agree (4 or 5), when the employees' side of the audience may be shown.
    evaluation_score: the mean answer (1-5) to "I was satisfied with this training" of the
        evaluation rounds closed in the period (see evaluation_score below).
    None when there is no such scan, the figures may not be shown, or the measure is unknown."""
    if measure == "evaluation_score":
        return evaluation_score(audience, start, end)
    if measure not in ("perception_gap", "awareness"):
        return None
    result = barrier_scan_results(audience, on=end)
    if result is None or timezone.localtime(result.closed_at).date() < start:
        return None
    if measure == "perception_gap":
        score = next((s for s in result.scores if s.barrier == 1), None)
        if score is None or score.gap is None:
            return None
        responses = (score.employee_respondents or 0) + (score.manager_respondents or 0)
        return SurveyFigure(numerator=abs(score.gap) * 100, denominator=Decimal(4), responses=responses)
    group = group_for_audience(audience)
    figures = survey_figures(Survey.objects.get(pk=result.survey_id))
    shown = figures.figures(Group(group.department_id, group.job_group_id, Side.EMPLOYEES))
    if shown is None:
        return None
    agreed = answers = 0
    for q in figures.questions:
        if q.key == AWARENESS_KEY and q.side == Side.EMPLOYEES and q.pk not in shown.hidden_questions:
            f = shown.questions[q.pk]
            agreed += sum(n for value, n in f.counts.items() if value >= AGREE)
            answers += f.answers
    if not answers:
        return None
    return SurveyFigure(numerator=Decimal(agreed), denominator=Decimal(answers), responses=shown.respondents)


RATING_KEY = "reaction"  # "I was satisfied with this training." (1-5)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def evaluation_score(audience, start: date, end: date) -> SurveyFigure | None:
    """The evaluations' mean reaction (1-5: "I was satisfied with this training") over the rounds
    closed from `start` to `end`, in one query. The same answers as the catalog's ratings
    (ITEM_RATINGS), and under the same rule: an anonymous response keeps no time, so a round's
    answers belong to the period its round closed in, and a round counts only when it holds its
    minimum group (as its own results page shows it), so no two periods' figures subtract to
    fewer people. Smaller rounds are left out rather than pooled: pooled per period, a longer
    period minus its parts would show them. The whole organisation only: an evaluation round is
    everyone's and its responses keep no department or job group. None below the minimum."""
    if group_for_audience(audience) != EVERYONE:
        return None
    rows = (
        Answer.objects.filter(
            question__key=RATING_KEY,
            question__kind=QuestionKind.LIKERT,
            value__isnull=False,
            response__follow_up=False,
            response__survey__kind=Kind.EVALUATION,
            response__survey__status=Status.CLOSED,
            response__survey__closed_at__gte=_day_start(start),
            response__survey__closed_at__lt=_day_start(end + timedelta(days=1)),
        )
        .values_list("response__survey_id", "response__survey__min_group_ratings")
        .annotate(n=Count("pk"), total=Sum("value"))
        .order_by()
    )
    answers, total = 0, Decimal(0)
    for _survey_id, minimum, n, round_total in rows:
        if n >= minimum:
            answers += n
            total += round_total
    if not answers:
        return None
    return SurveyFigure(numerator=total, denominator=Decimal(answers), responses=answers)


def item_ratings(item_ids: list[int] | None = None) -> dict[int, ItemRating]:
    """The ITEM_RATINGS port (see people.registry): per learning item, the mean "I was satisfied"
    over its closed evaluations, in one query.

    An evaluation round is a survey that closes after a quarter, so its figures never change once
    shown. A round answered by at least its minimum group counts on its own (its results page shows
    it too). Smaller rounds wait, pooled, until the pool reaches the minimum, and then count
    together: so the rating only ever moves by at least the minimum of answers, and neither
    comparing it over time nor subtracting a round's own results page isolates fewer people. Open
    rounds never count (a rating that moved with every answer would tell who answered what)."""
    rounds = Answer.objects.filter(
        question__key=RATING_KEY,
        question__kind=QuestionKind.LIKERT,
        response__follow_up=False,
        response__survey__kind=Kind.EVALUATION,
        response__survey__status=Status.CLOSED,
        response__survey__item_id__isnull=False,
    )
    if item_ids is not None:
        rounds = rounds.filter(response__survey__item_id__in=list(item_ids))
    rows = (
        rounds.values_list("response__survey__item_id", "response__survey__min_group_ratings", "response__survey_id")
        .annotate(n=Count("pk"), total=Sum("value"))
        .order_by("response__survey__item_id", "response__survey__closed_at", "response__survey_id")
    )
    counted: dict[int, list] = {}  # item -> [answers, total] released
    pending: dict[int, list] = {}  # item -> [answers, total, largest minimum] of the small rounds
    for item_id, minimum, _survey_id, n, total in rows:
        if n >= minimum:
            into = counted.setdefault(item_id, [0, Decimal(0)])
            into[0] += n
            into[1] += total
            continue
        pool = pending.setdefault(item_id, [0, Decimal(0), 0])
        pool[0] += n
        pool[1] += total
        pool[2] = max(pool[2], minimum)
        if pool[0] >= pool[2]:
            into = counted.setdefault(item_id, [0, Decimal(0)])
            into[0] += pool[0]
            into[1] += pool[1]
            del pending[item_id]
    return {
        item_id: ItemRating(mean=(total / n).quantize(Decimal("0.1")), respondents=n)
        for item_id, (n, total) in counted.items()
        if n
    }


FORMATS_KEY, TOPICS_KEY = "formats", "topics"


def learning_needs_asked(phrases: list[str]) -> AskedFor | None:
    """The LEARNING_NEEDS_ASKED port (see people.registry): the latest closed learning-needs survey
    whose everyone's figures are released. The formats come from the same figures as its results
    page (so the same minimum group); the phrases are counted in SQL over the "which topics" free
    text, and only when its comments may be shown (the same minimum as the comments themselves).
    Closed surveys only, like every result: figures that moved with each answer would tell."""
    surveys = Survey.objects.filter(kind=Kind.LEARNING_NEEDS, status=Status.CLOSED).order_by("-closed_at", "-pk")
    for survey in surveys[:5]:
        figures = survey_figures(survey)
        everyone = figures.figures(EVERYONE)
        if everyone is None:
            continue
        formats: dict[str, int] = {}
        for q in figures.questions:
            if q.key != FORMATS_KEY or q.pk in everyone.hidden_questions:
                continue
            for position, people in everyone.questions[q.pk].counts.items():
                if 0 < position <= len(q.choices) and q.choices[position - 1].get("value"):
                    value = q.choices[position - 1]["value"]
                    formats[value] = formats.get(value, 0) + people
        named = None
        if EVERYONE in figures.comments_released:
            phrases = [p for p in dict.fromkeys(phrases) if p.strip()]
            named = dict.fromkeys(phrases, 0)
            if phrases:
                counts = Answer.objects.filter(
                    response__survey=survey, response__follow_up=False, question__key=TOPICS_KEY
                ).aggregate(
                    **{
                        f"p{i}": Count("response_id", filter=Q(text__icontains=phrase.strip()), distinct=True)
                        for i, phrase in enumerate(phrases)
                    }
                )
                named = {phrase: counts[f"p{i}"] for i, phrase in enumerate(phrases)}
        return AskedFor(
            survey_id=survey.pk,
            title=survey.display_title,
            closed_at=survey.closed_at,
            respondents=everyone.respondents,
            formats=formats,
            phrases=named,
        )
    return None
