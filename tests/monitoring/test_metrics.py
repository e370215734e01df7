"""Every metric's exact figure on the small organisation of conftest.py, for 2025, worked out by hand;
the edge cases (joined mid-period, part-time, left, hired later, sub-departments, an empty audience,
a period in the future, no survey yet) and the breakdowns against the organisation's total."""

from datetime import date
from decimal import Decimal

import pytest

from catalog.models import MandatoryRule
from monitoring import metrics
from monitoring.facts import fact_sums
from monitoring.periods import Period
from monitoring.selectors import Light, barrier_indicators, metric_breakdown, metric_value, metric_values
from people.audience import EVERYONE, Audience, AudienceKind
from people.registry import SURVEY_MEASURE, SurveyFigure, registry

K = AudienceKind
Y2025 = Period.year(2025)
TODAY = date(2026, 11, 30)
D = Decimal

# metric: (numerator, denominator, value) for everyone in 2025
EXPECTED = {
    "participation": (3, 5, D(60)),  # a1, a2, d1 of five (gone left, later was hired in 2026)
    "completion_rate": (2, 3, D(200) / 3),  # X and the conference of three begun (a2's M is open)
    "hours_per_fte": (D("13.5"), D("3.8"), D("13.5") / D("3.8")),  # 2 + 10 + 1.5 h; a3 counts 0.5 FTE
    "hours_vs_policy": (D("13.5"), 124, D("13.5") / 124 * 100),  # targets 10 + 30 + 30 + 24 + 30
    "mandatory_compliance": (2, 3, D(200) / 3),  # a2 overdue; a1 did M in 2024; a3 hired after the cut
    "elective_share": (3, 4, D(75)),  # M is mandatory
    "recommendation_uptake": (1, 4, D(25)),  # Y came from "for you"
    "moment_attendance": (1, 5, D(20)),
    "catalog_reach": (2, 5, D(40)),  # a2's visit was on 31 December 2024
    "knows_budget": (2, 3, D(200) / 3),
    "budget_utilisation": (800, 2500, D(32)),
    "budget_underuse": (2, 3, D(200) / 3),  # a2 never, d1 only after the midpoint
    "message_reach": (2, 3, D(200) / 3),  # d1's was older than 90 days, a3's failed
    "coverage_gap": (2, 5, D(40)),  # no Selling item at basic or bachelor level
    "no_activity": (1, 5, D(20)),  # e1
}


def test_every_metric_is_tested_here():
    surveys = {m.name for m in metrics.all_metrics() if m.from_survey}
    assert set(EXPECTED) | surveys == {m.name for m in metrics.all_metrics()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_metric_has_its_exact_figure(small, name):
    numerator, denominator, value = EXPECTED[name]
    figure = metric_value(name, EVERYONE, Y2025, today=TODAY)
    assert (figure.numerator, figure.denominator) == (D(numerator), D(denominator))
    assert figure.value.quantize(D("0.0001")) == D(value).quantize(D("0.0001"))


def test_all_metrics_at_once_equal_each_alone(small):
    together = metric_values(EVERYONE, Y2025, today=TODAY)
    for name in EXPECTED:
        assert together[name] == metric_value(name, EVERYONE, Y2025, today=TODAY)


def test_an_audience_with_nobody_in_it_has_no_data_not_zero(small):
    empty = Audience.of(K.JOB_GROUP, job_group=small.nobody)
    for name, figure in metric_values(empty, Y2025, today=TODAY).items():
        assert figure.value is None, name
        assert figure.reason in ("empty", "no_survey"), name


def test_a_period_in_the_future_has_no_data(small):
    for figure in metric_values(EVERYONE, Period.year(2027), today=TODAY).values():
        assert (figure.value, figure.reason) == (None, "future")
    assert metric_breakdown("department", EVERYONE, Period.year(2027), today=TODAY) == {}


def test_survey_metrics_say_no_survey_yet_without_a_provider(small, monkeypatch):
    monkeypatch.delitem(registry.providers, SURVEY_MEASURE.name, raising=False)
    figure = metric_value("awareness", EVERYONE, Y2025, today=TODAY)
    assert (figure.value, figure.reason) == (None, "no_survey")


def test_survey_metrics_read_the_provider_once_there_is_one(small, monkeypatch):
    asked = []

    def measure(measure, audience, start, end):
        asked.append((measure, audience, start, end))
        return SurveyFigure(numerator=D(31), denominator=D(50), responses=50)

    monkeypatch.setitem(registry.providers, SURVEY_MEASURE.name, measure)
    figure = metric_value("awareness", EVERYONE, Y2025, today=TODAY)
    assert figure.value == D(62)
    assert asked == [("awareness", EVERYONE, date(2025, 1, 1), date(2025, 12, 31))]


def test_a_team_counts_its_direct_and_indirect_reports(small):
    from people.services import employee_update

    employee_update(employee=small.a2, manager=small.a1)
    employee_update(employee=small.a3, manager=small.a2)
    figure = metric_value("participation", Audience.of(K.TEAM, manager=small.a1), Y2025, today=TODAY)
    assert (figure.numerator, figure.denominator) == (1, 2)  # a2 began, a3 only attended


def test_department_breakdown_counts_each_subtree(small):
    rows = metric_breakdown("department", EVERYONE, Y2025, ["participation"], today=TODAY)
    got = {key: (row["participation"].numerator, row["participation"].denominator) for key, row in rows.items()}
    assert got == {small.org.pk: (3, 5), small.sales.pk: (2, 3), small.north.pk: (1, 2), small.it.pk: (1, 2)}


def test_the_subtrees_below_the_top_add_up_to_the_organisation_total(small):
    facts = ["people", "participated", "hours", "fte", "used", "allocated", "delivered", "opened", "in_gap"]
    total = fact_sums(EVERYONE, Y2025, facts, as_of=date(2025, 12, 31))[None]
    per_department = fact_sums(EVERYONE, Y2025, facts, by="department", as_of=date(2025, 12, 31))
    assert per_department[small.org.pk] == total
    for fact in facts:
        assert per_department[small.sales.pk][fact] + per_department[small.it.pk][fact] == total[fact], fact


def test_job_group_and_education_level_breakdowns(small):
    by_job = metric_breakdown("job_group", EVERYONE, Y2025, ["coverage_gap"], today=TODAY)
    assert {k: row["coverage_gap"].value for k, row in by_job.items()} == {
        small.agents.pk: D(200) / 3,
        small.devs.pk: D(0),
    }
    by_level = metric_breakdown("education_level", EVERYONE, Y2025, ["participation"], today=TODAY)
    assert {k: (r["participation"].numerator, r["participation"].denominator) for k, r in by_level.items()} == {
        "basic": (1, 1),
        "secondary": (1, 1),
        "bachelor": (1, 3),
    }


def test_a_department_audience_sees_only_its_subtree(small):
    north = Audience.of(K.DEPARTMENT, department=small.north)
    figure = metric_value("hours_per_fte", north, Y2025, today=TODAY)
    assert (figure.numerator, figure.denominator) == (D("1.5"), D("1.0"))  # a3's moment; 0.5 + 0.5 FTE


def test_the_four_barriers_take_the_worst_light_and_say_why(small):
    cards = barrier_indicators(EVERYONE, Y2025, today=TODAY)
    assert [c.barrier.number for c in cards] == [1, 2, 3, 4]
    lights = {c.barrier.number: c.light for c in cards}
    # 1: hours against policy 10.9 % (red); 2: reach 66.7 % green, catalog 40 % amber;
    # 3: uptake 25 % green, gap 40 % red; 4: under-use 66.7 % red
    assert lights == {1: Light.RED, 2: Light.AMBER, 3: Light.RED, 4: Light.RED}
    assert cards[0].headline.metric.name == "hours_vs_policy"
    assert cards[1].headline.metric.name == "catalog_reach"
    perception = next(r for r in cards[0].readings if r.metric.name == "perception_gap")
    assert perception.light == Light.NONE


def test_metric_values_cost_the_same_queries_for_a_small_and_a_larger_audience(small, django_assert_num_queries):
    from tests.factories import EmployeeFactory

    # the mandatory rules, the budget periods, the learning-time policies and their departments'
    # subtrees (each person's policy is a CASE, no subquery per person), the statement, and the
    # surveys' look-up of a barrier scan for each of the two scan metrics (none here) and of the
    # evaluation rounds for the evaluation score
    with django_assert_num_queries(8):
        metric_values(EVERYONE, Y2025, today=TODAY)
    for _ in range(20):
        EmployeeFactory(department=small.it, job_group=small.devs)
    with django_assert_num_queries(8):
        metric_values(EVERYONE, Y2025, today=TODAY)


def test_the_dashboards_one_statement_gives_the_same_figures_as_each_alone(small, django_assert_num_queries):
    from monitoring.reports import BREAKDOWN
    from monitoring.selectors import metric_overview

    bys = ("department", "job_group", "education_level")
    # the mandatory rules, the budget periods, the policies and their subtrees, the statement, the
    # three survey look-ups
    with django_assert_num_queries(8):
        values, groups = metric_overview(EVERYONE, Y2025, None, BREAKDOWN, bys, today=TODAY)
    assert values == metric_values(EVERYONE, Y2025, today=TODAY)
    for by in bys:
        assert groups[by] == metric_breakdown(by, EVERYONE, Y2025, BREAKDOWN, today=TODAY), by
    assert groups["department"][small.org.pk]["participation"].numerator == 3  # the subtree, as alone
    future, nothing = metric_overview(EVERYONE, Period.year(2027), None, BREAKDOWN, bys, today=TODAY)
    assert {f.reason for f in future.values()} == {"future"}
    assert nothing == {by: {} for by in bys}


AUDIENCES = {  # kind: (the audience's parts, who is obliged, who of them is overdue), in 2025
    "everyone": ({}, {"a1", "a2", "a3", "d1", "e1"}, {"a2", "d1", "e1"}),
    "department": ({"department": "sales"}, {"a1", "a2", "a3"}, {"a2"}),
    "job_group": ({"job_group": "devs"}, {"d1", "e1"}, {"d1", "e1"}),
    "department_job_group": ({"department": "north", "job_group": "agents"}, {"a2", "a3"}, {"a2"}),
    "managers": ({}, {"a1", "a2"}, {"a2"}),
    "team": ({"manager": "a1"}, {"a2", "a3"}, {"a2"}),
}


@pytest.mark.parametrize("kind", sorted(AUDIENCES))
def test_a_mandatory_rule_obliges_exactly_its_audience_of_every_kind(small, kind):
    """The fact engine decides membership on each person's own row (not from the audience's list of
    people): the same people for every kind of audience. a1 did M in 2024, a3 was hired after the
    cut, gone left, later was hired in 2026."""
    from people.services import employee_update

    employee_update(employee=small.a2, manager=small.a1)
    employee_update(employee=small.a3, manager=small.a2)
    parts, obliged, overdue = AUDIENCES[kind]
    rule = MandatoryRule.objects.get()
    rule.audience = Audience.of(kind, **{part: getattr(small, name) for part, name in parts.items()})
    rule.save()
    rows = fact_sums(EVERYONE, Y2025, ["obliged", "compliant"], by="employee", as_of=date(2025, 12, 31))
    names = {getattr(small, n).pk: n for n in ("a1", "a2", "a3", "d1", "e1", "gone", "later")}
    assert {names[pk] for pk, row in rows.items() if row["obliged"]} == obliged
    assert {names[pk] for pk, row in rows.items() if row["obliged"] - row["compliant"]} == overdue
