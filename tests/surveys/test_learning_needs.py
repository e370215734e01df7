"""A named learning-needs answer fills the learning profile, and "for you" follows it; an anonymous
one changes nothing about the person."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import LearningProfile
from catalog.selectors import items_for_employee
from people.audience import EVERYONE
from surveys.services import learning_needs_create, response_submit, survey_open
from surveys.services.templates import FORMATS
from tests.catalog.factories import ItemFactory, SkillFactory
from tests.surveys.helpers import by_key

pytestmark = pytest.mark.django_db

COACHING = str([value for value, _en, _nl in FORMATS].index("coaching") + 1)


def _answer(employee, *, anonymous: bool):
    survey = survey_open(
        survey=learning_needs_create(
            audience=EVERYONE, closes_at=timezone.now() + timedelta(days=7), anonymous=anonymous
        )
    )
    q = by_key(survey)
    data = {
        q["formats"].pk: [COACHING],
        q["hours"].pk: "4",
        q["moment"].pk: "1",
        q["topics"].pk: "I would like to get better at data literacy",
    }
    token = survey.invitations.get(employee=employee).token
    response_submit(token=token, employee=employee, data={str(k): v for k, v in data.items()})


def test_a_named_answer_changes_what_for_you_recommends_and_why(employee):
    data = SkillFactory(name="Data literacy")
    ItemFactory(title="Numbers made easy", skills=[data], format="elearning")
    ItemFactory(title="A coach for you", format="coaching")
    ItemFactory(title="Something else", format="reading")
    before = {r.item.title: r.reasons for r in items_for_employee(employee=employee)}
    assert "you want to learn Data literacy" not in before["Numbers made easy"]
    _answer(employee, anonymous=False)
    profile = LearningProfile.objects.get(employee=employee)
    assert profile.preferred_formats == ["coaching"]
    assert list(profile.needs.values_list("name", flat=True)) == ["Data literacy"]
    recs = items_for_employee(employee=employee)
    reasons = {r.item.title: r.reasons for r in recs}
    assert "you want to learn Data literacy" in reasons["Numbers made easy"]
    assert "you asked for coaching" in reasons["A coach for you"]
    assert [r.item.title for r in recs][-1] == "Something else"


def test_an_anonymous_answer_leaves_the_profile_alone(employee):
    SkillFactory(name="Data literacy")
    _answer(employee, anonymous=True)
    assert not LearningProfile.objects.filter(employee=employee).exists()
