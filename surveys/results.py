"""What one reader gets of a survey's results, the same for the page, the exports and the API:
the group they asked for (when released and theirs to see), its breakdown by one attribute (the
released groups only, with a count of those held back), the barrier scan's gap and the comments."""

from collections.abc import Callable
from dataclasses import dataclass, field

from .anonymity import EVERYONE, Group
from .models import Kind, Survey
from .ports import barrier_scores
from .selectors import BREAKDOWNS, GroupFigures, SurveyFigures, breakdown_candidates, comments, group_labels


@dataclass
class ResultsView:
    survey: Survey
    group: Group
    by: str
    selected: GroupFigures | None
    breakdown: list[GroupFigures] = field(default_factory=list)
    hidden: int = 0  # groups of the breakdown held back
    gap: tuple = ()
    comments: list[str] | None = None
    labels: dict = field(default_factory=dict)

    @property
    def columns(self) -> list[GroupFigures]:
        return ([self.selected] if self.selected else []) + self.breakdown


def results_view(
    survey: Survey,
    figures: SurveyFigures,
    *,
    group: Group = EVERYONE,
    by: str = "",
    allowed: Callable[[Group], bool] = lambda g: True,
    with_comments: bool = True,
) -> ResultsView:
    visible = figures.released & {g for g in figures.released if allowed(g)}
    by = by if by in BREAKDOWNS else ""
    candidates = breakdown_candidates(figures, by, group) if by else []
    shown = [g for g in candidates if g in visible]
    labels = group_labels([group, *shown])
    view = ResultsView(survey=survey, group=group, by=by, selected=None, labels=labels)
    if group in visible:
        view.selected = figures.figures(group, labels[group])
        if survey.kind == Kind.BARRIER_SCAN:
            view.gap = barrier_scores(figures, group)
        if with_comments and allowed(group):
            view.comments = comments(survey, group, figures)
    view.breakdown = [figures.figures(g, labels[g]) for g in shown]
    view.hidden = len(candidates) - len(shown)
    return view
