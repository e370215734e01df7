"""The demo tells a story: after `seed_demo` the departments' lights differ, the pilot department's
participation rises month by month while the others hold steady, and seeding again adds nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.models import Enrolment
from comms.models import Delivery
from monitoring import metrics
from monitoring.demo import FOR_YOU, KNOWS_BUDGET, PILOT, STEADY
from monitoring.models import MetricSnapshot
from monitoring.periods import Period
from monitoring.reports import history
from monitoring.selectors import Light, light_of, metric_breakdown, metric_value, thresholds
from people.audience import EVERYONE, Audience, AudienceKind
from people.models import Department, Employee
from policy.models import Attendance

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Enrolment.objects.count(),
        Delivery.objects.count(),
        Attendance.objects.count(),
        MetricSnapshot.objects.count(),
    )


def test_the_demo_dashboard_tells_a_story_and_seeding_twice_adds_nothing():
    call_command("seed_demo")
    first = _counts()
    today = timezone.localdate()
    departments = {d.external_id: d for d in Department.objects.all()}
    figures = metric_breakdown("department", EVERYONE, Period.rolling_year(today), ["participation"])
    participation = metrics.get("participation")
    limits = thresholds()["participation"]
    lights = {}
    for key, (share, _opened) in STEADY.items():
        people = Employee.objects.filter(active=True, department=departments[key]).count()
        figure = figures[departments[key].pk]["participation"]
        # exactly the share the story gives it: one training in any twelve months
        assert (figure.numerator, figure.denominator) == (round(people * share / 100), people), key
        lights[key] = light_of(participation, figure, limits)
    assert lights == {
        "D11": Light.RED,
        "D12": Light.RED,
        "D21": Light.GREEN,
        "D30": Light.AMBER,
        "D40": Light.AMBER,
        "D50": Light.GREEN,
    }
    pilot = Audience.of(AudienceKind.DEPARTMENT, department=departments[PILOT])
    _days, series = history(pilot, ["participation"], today)
    trend = series["participation"]
    assert None not in trend
    assert trend == sorted(trend), trend  # the pilot improves month by month
    assert trend[0] < 10
    assert trend[-1] == 100
    _days, steady = history(
        Audience.of(AudienceKind.DEPARTMENT, department=departments["D21"]), ["participation"], today
    )
    assert len(set(steady["participation"])) == 1  # Sales holds steady at its share
    # barriers 3 and 4 differ per department too: "for you" uptake and who knows their budget
    figures = metric_breakdown(
        "department", EVERYONE, Period.rolling_year(today), ["recommendation_uptake", "knows_budget"]
    )
    uptake = {key: figures[departments[key].pk]["recommendation_uptake"].value for key in FOR_YOU}
    assert min(uptake["D21"], uptake[PILOT], uptake["D30"]) > max(uptake["D11"], uptake["D12"]), uptake
    overall = metric_value("recommendation_uptake", EVERYONE, Period.rolling_year(today))
    assert light_of(metrics.get("recommendation_uptake"), overall, thresholds()["recommendation_uptake"]) != Light.RED
    knows = {key: figures[departments[key].pk]["knows_budget"] for key in KNOWS_BUDGET}
    for key, share in KNOWS_BUDGET.items():
        people = Employee.objects.filter(active=True, department=departments[key]).count()
        assert knows[key].numerator >= round(people * share / 100), key
    knows_lights = {
        key: light_of(metrics.get("knows_budget"), knows[key], thresholds()["knows_budget"]) for key in knows
    }
    assert (knows_lights["D11"], knows_lights["D30"], knows_lights["D50"]) == (Light.RED, Light.AMBER, Light.GREEN)
    # and on budget use (barrier 4): this year's trainings of the story were paid from the budget
    use = metric_breakdown("department", EVERYONE, Period.this_year(), ["budget_utilisation"])
    spent = {key: use[departments[key].pk]["budget_utilisation"].value for key in STEADY}
    assert spent["D50"] > spent["D21"] > spent["D11"] > 0, spent  # HR, Sales, Warehouse
    assert metric_value("budget_utilisation", EVERYONE, Period.this_year()).value > 5
    # the evaluation score comes from the surveys' demo evaluations (the rounds it closes today)
    score = metric_value("evaluation_score", EVERYONE, Period.this_year())
    assert score.has_data, score
    assert 1 <= score.value <= 5

    call_command("seed_demo")
    assert _counts() == first
