"""Barrier 1's perception gap and barrier 2's awareness come from a closed barrier scan through the
surveys' port (surveys.ports.survey_measure, built on BARRIER_SCAN_RESULTS); barrier 3's evaluation
score from the ratings given when a training is completed. Exact figures on a small closed scan."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from monitoring.periods import Period
from monitoring.selectors import Light, barrier_indicators, metric_value
from people.audience import EVERYONE
from people.registry import SURVEY_MEASURE, registry
from surveys.ports import survey_measure
from surveys.services import barrier_scan_create, response_submit, survey_close, survey_open
from tests.catalog.factories import EnrolmentFactory
from tests.factories import EmployeeFactory

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def scan():
    """Six employees and five managers. Barrier 1: employees 2, managers 4 (a gap of 2 on the 1-5
    scale: 50 points). "I know what learning opportunities there are": four employees 4 or 5, two 2."""
    staff = [EmployeeFactory() for _ in range(6)]
    bosses = [EmployeeFactory() for _ in range(5)]
    for i, person in enumerate(staff):
        person.manager = bosses[i % 5]
        person.save()
    survey = survey_open(survey=barrier_scan_create(audience=EVERYONE, closes_at=timezone.now() + timedelta(days=7)))
    know = ["4", "5", "4", "5", "2", "2"]
    for person in staff + bosses:
        side = "managers" if person in bosses else "employees"
        data = {}
        for q in survey.questions.filter(side=side):
            data[str(q.pk)] = "2" if side == "employees" else "4"
            if side == "employees" and q.key == "know_offer":
                data[str(q.pk)] = know[staff.index(person)]
        response_submit(token=survey.invitations.get(employee=person).token, employee=person, data=data)
    survey_close(survey=survey)
    return staff


def test_the_surveys_app_provides_the_survey_measure():
    assert registry.find(SURVEY_MEASURE) is survey_measure


def test_perception_gap_and_awareness_come_from_the_closed_barrier_scan(scan):
    period = Period.year(timezone.localdate().year)
    gap = metric_value("perception_gap", EVERYONE, period)
    assert (gap.numerator, gap.denominator, gap.value) == (D(200), D(4), D(50))
    awareness = metric_value("awareness", EVERYONE, period)
    assert (awareness.numerator, awareness.denominator) == (D(4), D(6))
    assert awareness.value.quantize(D("0.01")) == D("66.67")
    cards = {c.barrier.number: c for c in barrier_indicators(EVERYONE, period)}
    lights = {r.metric.name: r.light for c in cards.values() for r in c.readings}
    assert lights["perception_gap"] == Light.RED  # 50 points > 25
    assert lights["awareness"] == Light.AMBER  # 66.67 % between 50 and 70


def test_no_survey_before_the_scan_closed(scan):
    before = Period.year(timezone.localdate().year - 1)
    for name in ("perception_gap", "awareness"):
        figure = metric_value(name, EVERYONE, before)
        assert (figure.value, figure.reason) == (None, "no_survey")


def test_an_unknown_measure_or_a_too_small_group_has_no_figure(scan):
    today = timezone.localdate()
    assert survey_measure("nonsense", EVERYONE, today.replace(month=1, day=1), today) is None


def test_evaluation_score_is_the_mean_rating_of_the_completions(scan):
    now = timezone.now()
    for person, rating in zip(scan[:3], (3, 4, 5), strict=True):
        EnrolmentFactory(employee=person, status="completed", started_at=now, completed_at=now, rating=rating)
    EnrolmentFactory(employee=scan[3], status="completed", started_at=now, completed_at=now, rating=None)
    figure = metric_value("evaluation_score", EVERYONE, Period.year(now.year))
    assert (figure.numerator, figure.denominator, figure.value) == (D(12), D(3), D(4))
