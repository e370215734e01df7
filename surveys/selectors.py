"""Reads that the pages, the exports, the API and the monitoring port share.

Figures come from at most three aggregate queries over the answers, per cell (a combination of
the breakdown attributes); every group shown is a sum of cells, and only the groups that
`anonymity.release` lets through are summed at all, so no page, export or API call can hold a
figure of a group below the minimum or one that subtraction would reveal.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.utils.translation import gettext as _

from people.access import roles_of
from people.models import Department, DepartmentClosure, JobGroup

from .anonymity import EVERYONE, Cells, Group, release
from .models import Answer, Invitation, Question, QuestionKind, Response, Side, Status, Survey

TWO = Decimal("0.01")


def surveys_visible_to(user):
    """L&D staff: every survey. Managers: closed ones (their team's figures inside are checked per
    group). Employees and API clients: closed and published ones (API clients: every closed one)."""
    roles = roles_of(user)
    surveys = Survey.objects.all()
    if roles.is_ld_staff:
        return surveys
    if roles.is_api_client:
        return surveys.filter(status=Status.CLOSED) if "reporting:read" in roles.scopes else surveys.none()
    if roles.is_manager:
        return surveys.filter(
            Q(status=Status.CLOSED) & (Q(published_at__isnull=False) | ~Q(breakdown_department_depth=None))
        )
    if roles.is_employee:
        return surveys.filter(status=Status.CLOSED, published_at__isnull=False)
    return surveys.none()


def invitations_open_for(employee):
    """What this person may still answer (the "to answer" list)."""
    from django.utils import timezone

    now = timezone.now()
    return (
        Invitation.objects.filter(
            employee=employee, answered=False, survey__status=Status.OPEN, survey__closes_at__gt=now
        )
        .filter(Q(follow_up=False) | Q(follow_up_due__lte=timezone.localdate(now)))
        .filter(Q(survey__opens_at__isnull=True) | Q(survey__opens_at__lte=now))
        .select_related("survey")
        .order_by("survey__closes_at", "pk")
    )


def response_rate(survey: Survey) -> tuple[int, int]:
    """(answered, invited): one query; it says who answered, never what."""
    counts = survey.invitations.filter(follow_up=False).aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(answered=True))
    )
    return counts["answered"], counts["invited"]


# --- the figures ---------------------------------------------------------------------------------


def cells_of(survey: Survey, *, follow_up: bool = False) -> Cells:
    """Respondents per cell and each cell department's ancestors: two queries."""
    rows = (
        Response.objects.filter(survey=survey, follow_up=follow_up)
        .values_list("department_id", "job_group_id", "side")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {(d, j, s): n for d, j, s, n in rows}
    departments = {d for d, _j, _s in counts if d is not None}
    ancestors = defaultdict(set)
    if departments:  # the cells' departments and every department above them, with their ancestors
        above = DepartmentClosure.objects.filter(descendant_id__in=departments).values("ancestor_id")
        for descendant, ancestor in DepartmentClosure.objects.filter(descendant_id__in=above).values_list(
            "descendant_id", "ancestor_id"
        ):
            ancestors[descendant].add(ancestor)
    return Cells(counts=counts, ancestors={d: frozenset(a) for d, a in ancestors.items()})


@dataclass
class QuestionFigures:
    question: Question
    respondents: int = 0
    counts: dict = field(default_factory=dict)  # value -> people
    total: Decimal = Decimal(0)
    answers: int = 0

    @property
    def mean(self) -> Decimal | None:
        if not self.answers or self.question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            return None
        return (self.total / self.answers).quantize(TWO)

    @property
    def nps(self) -> int | None:
        if self.question.kind != QuestionKind.NPS or not self.answers:
            return None
        promoters = sum(n for v, n in self.counts.items() if v >= 9)
        detractors = sum(n for v, n in self.counts.items() if v <= 6)
        return round(100 * (promoters - detractors) / self.answers)

    def distribution(self) -> list[tuple[str, int, Decimal]]:
        """(label, people, share in %) for each value of the scale, the empty ones included."""
        q = self.question
        labels = q.choice_labels() if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else None
        rows = []
        for value in q.scale():
            n = self.counts.get(value, 0)
            label = labels[value - 1] if labels else str(value)
            share = (Decimal(100 * n) / self.respondents).quantize(Decimal("0.1")) if self.respondents else Decimal(0)
            rows.append((label, n, share))
        return rows


@dataclass
class GroupFigures:
    group: Group
    label: str
    respondents: int
    questions: dict[int, QuestionFigures]
    hidden_questions: set[int] = field(default_factory=set)  # answered by fewer than the minimum


@dataclass
class SurveyFigures:
    """The raw per-cell aggregates of one survey, and what may be shown of them."""

    survey: Survey
    cells: Cells
    released: set[Group]
    comments_released: set[Group]
    questions: list[Question]
    by_cell: dict  # (cell, question_id) -> [counts{value: n}, total, answers, respondents]

    def shown(self, group: Group) -> bool:
        return group in self.released

    def figures(self, group: Group, label: str = "") -> GroupFigures | None:
        """The group's figures, or None when anonymity does not allow them."""
        if group not in self.released:
            return None
        members = self.cells.members(group)
        result = {q.pk: QuestionFigures(q) for q in self.questions}
        for cell in members:
            for q in self.questions:
                agg = self.by_cell.get((cell, q.pk))
                if agg is None:
                    continue
                figures = result[q.pk]
                for value, n in agg[0].items():
                    figures.counts[value] = figures.counts.get(value, 0) + n
                figures.total += agg[1]
                figures.answers += agg[2]
                figures.respondents += agg[3]
        minimum = self.survey.min_group_ratings
        hidden = {pk for pk, f in result.items() if 0 < f.respondents < minimum}
        return GroupFigures(group, label, sum(self.cells.counts[c] for c in members), result, hidden_questions=hidden)


def _rated_questions(survey: Survey, follow_up: bool) -> list[Question]:
    return [
        q
        for q in survey.questions.filter(follow_up=follow_up)
        .select_related("section")
        .order_by("section__order", "order", "pk")
        if q.kind != QuestionKind.TEXT
    ]


def survey_figures(survey: Survey, *, follow_up: bool = False) -> SurveyFigures:
    """Everything the results need, in at most five queries whatever the number of responses."""
    cells = cells_of(survey, follow_up=follow_up)
    questions = _rated_questions(survey, follow_up)
    base = Answer.objects.filter(response__survey=survey, response__follow_up=follow_up).exclude(
        question__kind=QuestionKind.TEXT
    )
    grouped = (
        base.values("response__department_id", "response__job_group_id", "response__side", "question_id")
        .annotate(
            v=Case(
                When(question__kind=QuestionKind.NUMBER, then=Value(None)),
                default=F("value"),
                output_field=DecimalField(),
            ),
            n=Count("id"),
            total=Sum("value"),
        )
        .values_list(
            "response__department_id", "response__job_group_id", "response__side", "question_id", "v", "n", "total"
        )
        .order_by()
    )
    by_cell: dict = {}
    for d, j, s, qid, v, n, total in grouped:
        agg = by_cell.setdefault(((d, j, s), qid), [{}, Decimal(0), 0, 0])
        if v is not None:
            agg[0][int(v)] = n
        agg[1] += total or 0
        agg[2] += n
        agg[3] += n  # one answer per person, except for multiple choice (below)
    multiple = [q.pk for q in questions if q.kind == QuestionKind.MULTIPLE]
    if multiple:
        for d, j, s, qid, people in (
            base.filter(question_id__in=multiple)
            .values_list("response__department_id", "response__job_group_id", "response__side", "question_id")
            .annotate(people=Count("response_id", distinct=True))
            .order_by()
        ):
            by_cell[((d, j, s), qid)][3] = people
    return SurveyFigures(
        survey=survey,
        cells=cells,
        released=release(cells, survey.min_group_ratings),
        comments_released=release(cells, survey.min_group_comments),
        questions=questions,
        by_cell=by_cell,
    )


# --- labels and breakdowns -----------------------------------------------------------------------


def group_labels(groups) -> dict[Group, str]:
    """ "Sales · Engineers · Managers" for each group (two queries)."""
    groups = list(groups)
    departments = dict(
        Department.objects.filter(pk__in={g.department_id for g in groups if g.department_id}).values_list("pk", "name")
    )
    job_groups = dict(
        JobGroup.objects.filter(pk__in={g.job_group_id for g in groups if g.job_group_id}).values_list("pk", "name")
    )
    labels = {}
    for g in groups:
        parts = []
        if g.department_id:
            parts.append(departments.get(g.department_id, "?"))
        if g.job_group_id:
            parts.append(job_groups.get(g.job_group_id, "?"))
        if g.side:
            parts.append(str(Side(g.side).label))
        labels[g] = " · ".join(parts) or _("Everyone")
    return labels


BREAKDOWNS = ("department", "job_group", "side")


def breakdown_groups(figures: SurveyFigures, by: str, within: Group = EVERYONE) -> list[Group]:
    """The groups of one breakdown inside `within` that may be shown (the others are left out, and
    the page says how many are hidden)."""
    return [g for g in breakdown_candidates(figures, by, within) if g in figures.released]


def breakdown_candidates(figures: SurveyFigures, by: str, within: Group = EVERYONE) -> list[Group]:
    """Every group of one breakdown inside `within` that holds anyone."""
    cells = figures.cells
    if by == "department":
        found = {
            Group(a, within.job_group_id, within.side)
            for c in cells.counts
            if c[0] is not None
            for a in cells.ancestors.get(c[0], ())
            if a != within.department_id
            and (within.department_id is None or within.department_id in cells.ancestors.get(a, ()))
        }
    elif by == "job_group" and within.job_group_id is None:
        found = {Group(within.department_id, c[1], within.side) for c in cells.counts if c[1] is not None}
    elif by == "side" and not within.side:
        found = {Group(within.department_id, within.job_group_id, c[2]) for c in cells.counts if c[2]}
    else:
        found = set()
    # A group holding exactly the same people as `within` (the top department) adds nothing.
    whole = cells.size(within)
    return sorted(g for g in found if 0 < cells.size(g) < whole)


def comments(
    survey: Survey, group: Group, figures: SurveyFigures, *, limit: int = 50, offset: int = 0
) -> list[str] | None:
    """Free-text answers of a group that may show comments (None when it may not), in a random but
    stable order (answer keys are random), a page at a time."""
    if group not in figures.comments_released:
        return None
    answers = Answer.objects.filter(response__survey=survey, question__kind=QuestionKind.TEXT).exclude(text="")
    answers = answers.filter(response__follow_up=False)
    if group.department_id is not None:
        answers = answers.filter(
            response__department_id__in=DepartmentClosure.objects.filter(ancestor_id=group.department_id).values(
                "descendant_id"
            )
        )
    if group.job_group_id is not None:
        answers = answers.filter(response__job_group_id=group.job_group_id)
    if group.side:
        answers = answers.filter(response__side=group.side)
    return list(answers.order_by("pk").values_list("text", flat=True)[offset : offset + limit])
