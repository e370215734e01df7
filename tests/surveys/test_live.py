"""While a survey is open, L&D staff see the response rate and, for a named survey, the figures so
far (htmx polls them), under the same minimum group; an anonymous survey's figures wait for the
close, since two moments' figures compared would tell what the latest people answered."""

import pytest
from django.urls import reverse

from people.audience import EVERYONE
from surveys.services import survey_close, survey_open
from tests.factories import EmployeeFactory
from tests.surveys.helpers import answer, survey_with_all_kinds

pytestmark = pytest.mark.django_db


def _open(anonymous: bool, n: int, later: int = 0):
    """An open survey answered by n people; `later` more are invited and answer later (returned)."""
    people = [EmployeeFactory() for _ in range(n + later)]
    survey = survey_open(survey=survey_with_all_kinds(audience=EVERYONE, anonymous=anonymous))
    for person in people[:n]:
        answer(survey, person)
    survey.later = people[n:]
    return survey


def _live(client, survey) -> str:
    return client.get(reverse("surveys:rate", args=[survey.pk])).content.decode()


def test_a_named_survey_shows_its_figures_so_far_above_the_minimum_and_they_update(client, hr):
    survey = _open(anonymous=False, n=4, later=2)
    fifth, sixth = survey.later
    client.force_login(hr.user)
    page = _live(client, survey)
    assert 'hx-trigger="every 30s"' in page
    assert "Figures appear once at least 5 people have answered." in page
    assert "live-results" not in page.replace("live-results-wait", "")
    answer(survey, fifth)
    page = _live(client, survey)
    assert '<div class="live-results">' in page
    assert "Learning is fun" in page
    assert "<td>4.00</td>" in page  # everyone answered 4: the mean
    answer(survey, sixth, likert="1")
    page = _live(client, survey)
    assert "<td>3.50</td>" in page  # the sixth answer is in
    detail = client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert "<td>3.50</td>" in detail
    assert "Anything else?" not in page  # comments are never part of the live figures


def test_an_anonymous_survey_shows_only_its_response_rate_while_open(client, hr):
    survey = _open(anonymous=True, n=8)
    client.force_login(hr.user)
    page = _live(client, survey)
    assert "8 of" in page
    assert "Results are shown once the survey has closed" in page
    assert '<div class="live-results">' not in page
    assert "Learning is fun" not in page


def test_a_closed_survey_stops_polling(client, hr):
    survey = survey_close(survey=_open(anonymous=False, n=5))
    client.force_login(hr.user)
    page = _live(client, survey)
    assert "hx-trigger" not in page
    assert '<div class="live-results">' not in page


@pytest.mark.parametrize("n", [5, 24])
def test_the_live_figures_cost_the_same_whatever_the_answers(client, hr, n, django_assert_max_num_queries):
    survey = _open(anonymous=False, n=n)
    client.force_login(hr.user)
    with django_assert_max_num_queries(12):
        assert '<div class="live-results">' in _live(client, survey)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("surveys:detail", args=[survey.pk])).status_code == 200
