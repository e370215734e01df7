"""Barrier 1's perception gap and barrier 2's awareness come from a closed barrier scan through the
surveys' port (surveys.ports.survey_measure, built on BARRIER_SCAN_RESULTS); barrier 3's evaluation
score through the same port from the evaluations' "I was satisfied", the answers the catalog's
ratings are. Exact figures on a small closed scan and on evaluation rounds."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from monitoring.periods import Period
from monitoring.selectors import Light, barrier_indicators, metric_value
from people.audience import EVERYONE, Audience, AudienceKind
from people.registry import SURVEY_MEASURE, registry
from surveys.ports import survey_measure
from surveys.services import barrier_scan_create, response_submit, survey_close, survey_open
from tests.catalog.factories import EnrolmentFactory, ItemFactory
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.surveys.helpers import evaluation_round

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


JUNE_2025 = timezone.make_aware(datetime(2025, 6, 10, 12))
Y2025 = Period.year(2025)


@pytest.fixture
def rounds():
    """Evaluation rounds (each closes the day after its answers; the minimum group is 5): two at
    their minimum in 2025 (5 x 21 and 6 x 18 out of 5), a small one (4 x 1), an open one (6 x 1)
    and one closed in 2024 (5 x 1)."""
    evaluation_round(ItemFactory(), [5, 4, 4, 3, 5], now=JUNE_2025)
    evaluation_round(ItemFactory(), [2, 3, 3, 3, 3, 4], now=JUNE_2025 + timedelta(days=30))
    evaluation_round(ItemFactory(), [1, 1, 1, 1], now=JUNE_2025)
    evaluation_round(ItemFactory(), [1] * 6, now=JUNE_2025, close=False)
    evaluation_round(ItemFactory(), [1] * 5, now=JUNE_2025 - timedelta(days=365))


def test_evaluation_score_is_the_mean_reaction_of_the_rounds_closed_in_the_period(rounds):
    figure = metric_value("evaluation_score", EVERYONE, Y2025)
    assert (figure.numerator, figure.denominator) == (D(39), D(11))
    assert figure.value.quantize(D("0.01")) == D("3.55")
    assert survey_measure("evaluation_score", EVERYONE, Y2025.start, Y2025.end).responses == 11
    cards = {c.barrier.number: c for c in barrier_indicators(EVERYONE, Y2025)}
    lights = {r.metric.name: r.light for r in cards[3].readings}
    assert lights["evaluation_score"] == Light.AMBER  # 3.55 between 3.5 and 4
    last_year = metric_value("evaluation_score", EVERYONE, Period.year(2024))
    assert (last_year.numerator, last_year.denominator, last_year.value) == (D(5), D(5), D(1))


def test_enrolment_ratings_no_longer_count(db):
    """The completion form's old 1-5 rating is not the evaluation score: only evaluations are."""
    for rating in (3, 4, 5, 5, 5):
        EnrolmentFactory(employee=EmployeeFactory(), status="completed", completed_at=JUNE_2025, rating=rating)
    figure = metric_value("evaluation_score", EVERYONE, Y2025)
    assert (figure.value, figure.reason) == (None, "no_survey")


def test_evaluation_score_below_the_minimum_group_has_no_data():
    evaluation_round(ItemFactory(), [5, 5, 5, 5], now=JUNE_2025)  # 4 of the minimum 5
    evaluation_round(ItemFactory(), [5, 5, 5, 5, 5], now=JUNE_2025, close=False)  # enough, but open
    figure = metric_value("evaluation_score", EVERYONE, Y2025)
    assert (figure.value, figure.reason) == (None, "no_survey")
    assert survey_measure("evaluation_score", EVERYONE, Y2025.start, Y2025.end) is None


def test_evaluation_score_is_the_organisations_only(rounds):
    """An evaluation round is everyone's and its anonymous responses keep no department."""
    department = Audience.of(AudienceKind.DEPARTMENT, department=DepartmentFactory())
    assert survey_measure("evaluation_score", department, Y2025.start, Y2025.end) is None
    assert metric_value("evaluation_score", department, Y2025).reason == "no_survey"


def test_evaluation_score_in_one_query(rounds, django_assert_num_queries):
    with django_assert_num_queries(1):
        survey_measure("evaluation_score", EVERYONE, Y2025.start, Y2025.end)
