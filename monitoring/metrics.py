"""The metric registry: one definition per metric (label, unit, direction, how it is computed, the
barrier and step it belongs to, default thresholds), each a ratio of two facts of the fact engine
(monitoring.facts) or a survey measure read through the optional port people.registry.SURVEY_MEASURE.

Another app adds a metric with one `register(Metric(...))` call; nothing in the engine changes.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    PERCENT = "percent", _("%")
    HOURS = "hours", _("hours")
    EUR = "eur", _("EUR")
    COUNT = "count", _("count")
    SCORE = "score", _("score out of 5")
    POINTS = "points", _("percentage points")


@dataclass(frozen=True)
class Metric:
    name: str
    label: object  # a lazy translation
    unit: str
    higher_is_better: bool
    explanation: object  # one sentence: how it is computed
    barrier: int | None  # 1-4, or None when it belongs to no barrier card
    step: int  # 1-6
    numerator: str = ""  # a fact of monitoring.facts.FACTS
    denominator: str = ""
    survey_measure: str = ""  # instead of the facts: a measure of the SURVEY_MEASURE port
    green: Decimal = Decimal(0)  # default thresholds, in the metric's unit
    amber: Decimal = Decimal(0)
    sentence: object = ""  # "%(value)s opened the messages of the last 90 days."

    @property
    def unit_label(self) -> str:
        return str(dict(Unit.choices)[self.unit])

    @property
    def scale(self) -> Decimal:
        return Decimal(100) if self.unit == Unit.PERCENT else Decimal(1)

    @property
    def from_survey(self) -> bool:
        return bool(self.survey_measure)


REGISTRY: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    if metric.name in REGISTRY and REGISTRY[metric.name] != metric:
        raise ValueError(f"a metric named {metric.name!r} is already registered")
    if not metric.survey_measure and not (metric.numerator and metric.denominator):
        raise ValueError(f"{metric.name}: a metric needs two facts or a survey measure")
    REGISTRY[metric.name] = metric
    return metric


def get(name: str) -> Metric:
    return REGISTRY[name]


def all_metrics() -> list[Metric]:
    return list(REGISTRY.values())


D = Decimal
_M = [
    Metric(
        "participation",
        _("Participation"),
        Unit.PERCENT,
        True,
        _("Share of the people in the audience who started or completed a training in the period."),
        None,
        6,
        "participated",
        "people",
        green=D(60),
        amber=D(40),
        sentence=_("%(value)s started or completed a training."),
    ),
    Metric(
        "completion_rate",
        _("Completion rate"),
        Unit.PERCENT,
        True,
        _("Of the trainings started in the period, the share completed."),
        None,
        6,
        "completed",
        "began",
        green=D(70),
        amber=D(50),
        sentence=_("%(value)s of the trainings started were completed."),
    ),
    Metric(
        "hours_per_fte",
        _("Learning hours per FTE"),
        Unit.HOURS,
        True,
        _("Hours of completed trainings and attended learning moments, divided by the FTE employed in the period."),
        None,
        4,
        "hours",
        "fte",
        green=D(24),
        amber=D(12),
        sentence=_("%(value)s of learning per FTE."),
    ),
    Metric(
        "hours_vs_policy",
        _("Learning time against the policy"),
        Unit.PERCENT,
        True,
        _(
            "Learning hours of the people a learning-time policy covers, "
            "as a share of the hours it asks for the period."
        ),
        1,
        4,
        "policy_hours",
        "target_hours",
        green=D(80),
        amber=D(50),
        sentence=_("People learned %(value)s of the time the policy gives them."),
    ),
    Metric(
        "perception_gap",
        _("Perception gap"),
        Unit.POINTS,
        False,
        _("From the barrier scan: points between how employees and managers rate the time and support for learning."),
        1,
        1,
        survey_measure="perception_gap",
        green=D(10),
        amber=D(25),
        sentence=_("Employees and managers are %(value)s apart on time and support for learning."),
    ),
    Metric(
        "mandatory_compliance",
        _("Mandatory compliance"),
        Unit.PERCENT,
        True,
        _("Of the people a mandatory item applies to, the share with none overdue."),
        None,
        3,
        "compliant",
        "obliged",
        green=D(95),
        amber=D(85),
        sentence=_("%(value)s have no mandatory training overdue."),
    ),
    Metric(
        "message_reach",
        _("Message reach"),
        Unit.PERCENT,
        True,
        _("Of the messages delivered in the 90 days up to the end of the period, the share opened or read."),
        2,
        5,
        "opened",
        "delivered",
        green=D(50),
        amber=D(30),
        sentence=_("%(value)s opened the messages of the last 90 days."),
    ),
    Metric(
        "catalog_reach",
        _("Catalog reach"),
        Unit.PERCENT,
        True,
        _("Share of the people in the audience who opened the catalog in the period."),
        2,
        5,
        "visited",
        "people",
        green=D(60),
        amber=D(35),
        sentence=_("%(value)s looked at the offer."),
    ),
    Metric(
        "awareness",
        _("Awareness of the offer"),
        Unit.PERCENT,
        True,
        _("From surveys: share of respondents who say they know what is on offer."),
        2,
        5,
        survey_measure="awareness",
        green=D(70),
        amber=D(50),
        sentence=_("%(value)s say they know what is on offer."),
    ),
    Metric(
        "elective_share",
        _("Self-chosen share"),
        Unit.PERCENT,
        True,
        _(
            "Of the enrolments requested in the period (not rejected or cancelled), "
            "the share for items no rule makes mandatory."
        ),
        3,
        3,
        "elective",
        "requested",
        green=D(60),
        amber=D(40),
        sentence=_("%(value)s of the enrolments were chosen by people themselves."),
    ),
    Metric(
        "recommendation_uptake",
        _("Recommendation uptake"),
        Unit.PERCENT,
        True,
        _("Of the enrolments requested in the period, the share requested from a “for you” recommendation."),
        3,
        3,
        "for_you",
        "requested",
        green=D(25),
        amber=D(10),
        sentence=_("%(value)s of the enrolments came from “for you”."),
    ),
    Metric(
        "coverage_gap",
        _("People in an offer gap"),
        Unit.PERCENT,
        False,
        _(
            "Of the people whose job group needs skills, "
            "the share for whose education level no active item teaches one of them."
        ),
        3,
        3,
        "in_gap",
        "needs_skills",
        green=D(5),
        amber=D(15),
        sentence=_("%(value)s find nothing at their level for the skills their job needs."),
    ),
    Metric(
        "evaluation_score",
        _("Evaluation score"),
        Unit.SCORE,
        True,
        _(
            "From the evaluations: the average answer (1-5) to “I was satisfied with this training” "
            "in the evaluation rounds closed in the period."
        ),
        3,
        3,
        survey_measure="evaluation_score",
        green=D(4),
        amber=D("3.5"),
        sentence=_("Trainings were rated %(value)s in their evaluations."),
    ),
    Metric(
        "moment_attendance",
        _("Learning-moment attendance"),
        Unit.PERCENT,
        True,
        _("Share of the people in the audience who attended a learning moment in the period."),
        None,
        4,
        "attended",
        "people",
        green=D(50),
        amber=D(25),
        sentence=_("%(value)s joined a learning moment."),
    ),
    Metric(
        "knows_budget",
        _("Knows their budget"),
        Unit.PERCENT,
        True,
        _("Of the people with a budget in the period, the share who have looked at it."),
        4,
        6,
        "viewed_budget",
        "with_budget",
        green=D(80),
        amber=D(50),
        sentence=_("%(value)s have looked at their learning budget."),
    ),
    Metric(
        "budget_utilisation",
        _("Budget utilisation"),
        Unit.PERCENT,
        True,
        _("Committed plus spent, as a share of the budget allocated for periods that overlap this one."),
        4,
        6,
        "used",
        "allocated",
        green=D(60),
        amber=D(30),
        sentence=_("%(value)s of the budget is committed or spent."),
    ),
    Metric(
        "budget_underuse",
        _("Budget under-use"),
        Unit.PERCENT,
        False,
        _("Of the people whose budget period is half over, the share who had used nothing by its midpoint."),
        4,
        6,
        "unused_midway",
        "midway",
        green=D(25),
        amber=D(50),
        sentence=_("%(value)s had used none of their budget halfway through."),
    ),
    Metric(
        "no_activity",
        _("People with no activity"),
        Unit.PERCENT,
        False,
        _("Share of the people in the audience who requested, started or attended nothing in the period."),
        4,
        6,
        "no_activity",
        "people",
        green=D(30),
        amber=D(50),
        sentence=_("%(value)s did nothing at all in the period."),
    ),
]
for _metric in _M:
    register(_metric)
