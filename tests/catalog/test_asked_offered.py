"""Asked for vs offered: the latest closed learning-needs survey's formats and topics beside the
active offer, under the survey's minimum groups (formats from 5 answers, the free-text topics from
10, as its comments), at a fixed number of queries."""

import pytest
from django.urls import reverse

from people.audience import EVERYONE
from surveys.services import learning_needs_create, response_submit, survey_close, survey_open
from surveys.services.templates import FORMATS
from tests.catalog.factories import ItemFactory, SkillFactory
from tests.factories import EmployeeFactory
from tests.surveys.helpers import by_key

pytestmark = pytest.mark.django_db

COACHING = str([value for value, _en, _nl in FORMATS].index("coaching") + 1)
ELEARNING = str([value for value, _en, _nl in FORMATS].index("elearning") + 1)


def _needs_survey(answers: list[tuple[str, str]], *, close: bool = True):
    """A learning-needs survey answered by one person per (format position, topics text)."""
    from datetime import timedelta

    from django.utils import timezone

    people = [EmployeeFactory() for _ in answers]
    survey = learning_needs_create(audience=EVERYONE, closes_at=timezone.now() + timedelta(days=7))
    survey = survey_open(survey=survey)
    q = by_key(survey)
    for person, (fmt, topics) in zip(people, answers, strict=True):
        data = {q["formats"].pk: [fmt], q["hours"].pk: "4", q["moment"].pk: "1", q["topics"].pk: topics}
        invitation = survey.invitations.get(employee=person)
        response_submit(token=invitation.token, employee=person, data={str(k): v for k, v in data.items()})
    return survey_close(survey=survey) if close else survey


@pytest.fixture
def offer(db):
    excel, forklift = SkillFactory(name="Excel"), SkillFactory(name="Forklift")
    SkillFactory(name="Nobody wants this")
    ItemFactory(title="Excel online", format="elearning", skills=[excel])
    ItemFactory(title="Old coaching", format="coaching", active=False)
    return {"excel": excel, "forklift": forklift}


def _ten():
    return [(COACHING, "More excel please")] * 6 + [(ELEARNING, "forklift, and EXCEL")] + [(ELEARNING, "")] * 3


def test_what_was_asked_and_not_offered_is_a_gap(client_for, personas, offer):
    _needs_survey(_ten())
    page = client_for(personas.hr).get(reverse("catalog:asked_offered"))
    assert page.status_code == 200
    a = page.context["a"]
    assert a.asked.respondents == 10
    assert [row[:4] for row in a.formats][:2] == [("Coaching", 6, 60, 0), ("E-learning", 4, 40, 1)]
    assert [(name, people, items) for name, people, _share, items in a.skills] == [
        ("Excel", 7, 1),
        ("Forklift", 1, 0),
    ]
    assert a.gaps == [
        "6 people asked for coaching; there is none in the offer.",
        "1 person wants to learn Forklift; no active item teaches it.",
    ]
    html = page.content.decode()
    assert "?format=coaching" in html
    assert "Nobody wants this" not in html  # neither asked for nor offered


def test_topics_need_the_comments_minimum_and_formats_the_figures_minimum(client_for, personas, offer):
    _needs_survey(_ten()[:9])  # nine: figures yes (5), free text no (10)
    a = client_for(personas.hr).get(reverse("catalog:asked_offered")).context["a"]
    assert a.asked.respondents == 9
    assert a.skills is None
    assert a.asked.phrases is None
    assert a.formats[0][:2] == ("Coaching", 6)


def test_below_the_minimum_or_still_open_nothing_is_shown(client_for, personas, offer):
    _needs_survey(_ten()[:4])
    _needs_survey(_ten(), close=False)
    page = client_for(personas.hr).get(reverse("catalog:asked_offered"))
    assert page.context["a"].asked is None
    assert "No closed learning-needs survey has enough answers" in page.content.decode()


@pytest.mark.parametrize("factor", [1, 3])
def test_the_page_costs_the_same_whatever_the_answers(
    client_for, personas, offer, factor, django_assert_max_num_queries
):
    _needs_survey(_ten() * factor)
    client = client_for(personas.hr)
    client.get(reverse("catalog:asked_offered"))  # the session and caches warm
    with django_assert_max_num_queries(16):
        assert client.get(reverse("catalog:asked_offered")).status_code == 200


def test_the_diversity_page_links_to_it(client_for, personas):
    assert (
        reverse("catalog:asked_offered") in client_for(personas.hr).get(reverse("catalog:diversity")).content.decode()
    )
