"""Answering: each question type's validation, and every way to answer wrongly (after the close,
without an invitation, with a forged or reused link, out-of-range values) gives a clear message and
stores nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from surveys.models import Answer, Invitation, Response
from surveys.services import response_submit, survey_close, survey_open, survey_update
from tests.surveys.helpers import answer, by_key, survey_with_all_kinds, valid_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(personas):
    return survey_open(survey=survey_with_all_kinds())


def _submit(survey, employee, **overrides):
    invitation = survey.invitations.get(employee=employee)
    return response_submit(token=invitation.token, employee=employee, data=valid_answers(survey, **overrides))


def _nothing_stored(survey, employee):
    assert not Response.objects.filter(survey=survey).exists()
    assert not Answer.objects.filter(response__survey=survey).exists()
    assert not Invitation.objects.get(survey=survey, employee=employee).answered


def test_a_valid_response_stores_every_type(survey, employee):
    response = _submit(survey, employee)
    q = by_key(survey)
    stored = {(a.question_id, a.value, a.text) for a in response.answers.all()}
    assert (q["likert"].pk, 4, "") in stored
    assert (q["single"].pk, 2, "") in stored
    assert {(q["multiple"].pk, 1, ""), (q["multiple"].pk, 3, "")} <= stored
    assert (q["nps"].pk, 9, "") in stored
    assert (q["number"].pk, 6, "") in stored
    assert (q["text"].pk, None, "More time, please.") in stored
    assert Invitation.objects.get(survey=survey, employee=employee).answered


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("likert", "6", "Choose a value from 1 to 5."),
        ("likert", "0", "Choose a value from 1 to 5."),
        ("likert", "three", "Choose a value from 1 to 5."),
        ("likert", ["1", "2"], "Choose one value."),
        ("single", "4", "Choose a value from 1 to 3."),
        ("multiple", ["1", "9"], "Choose a value from 1 to 3."),
        ("nps", "11", "Choose a value from 0 to 10."),
        ("nps", "-1", "Choose a value from 0 to 10."),
        ("number", "41", "Enter at most 40."),
        ("number", "-2", "Enter at least 0."),
        ("number", "NaN", "Enter a number."),
        ("number", "1e99", "Enter a number."),
        ("text", "x" * 2001, "At most 2000 characters."),
        ("likert", "", "This question needs an answer."),
        ("multiple", [], "This question needs an answer."),
    ],
)
def test_out_of_range_or_missing_values_are_refused_and_nothing_is_stored(survey, employee, key, value, message):
    with pytest.raises(ValidationError) as exc:
        _submit(survey, employee, **{key: value})
    assert exc.value.message_dict == {f"q{by_key(survey)[key].pk}": [message]}
    _nothing_stored(survey, employee)


def test_an_optional_question_may_stay_empty(survey, employee):
    response = _submit(survey, employee, text="")
    assert not response.answers.filter(question__key="text").exists()


def test_an_answer_to_a_question_of_another_survey_is_refused(survey, employee):
    other = survey_with_all_kinds(title="Other")
    data = valid_answers(survey)
    data[str(other.questions.first().pk)] = "3"
    invitation = survey.invitations.get(employee=employee)
    with pytest.raises(ValidationError) as exc:
        response_submit(token=invitation.token, employee=employee, data=data)
    assert "answers" in exc.value.message_dict
    _nothing_stored(survey, employee)


def test_after_the_close_nothing_is_accepted(survey, employee):
    survey_close(survey=survey)
    with pytest.raises(ValidationError, match="closed"):
        _submit(survey, employee)
    _nothing_stored(survey, employee)


def test_after_the_closing_time_but_before_the_beat_closes_it(survey, employee):
    invitation = survey.invitations.get(employee=employee)
    later = survey.closes_at + timedelta(seconds=1)
    with pytest.raises(ValidationError, match="closed"):
        response_submit(token=invitation.token, employee=employee, data=valid_answers(survey), now=later)
    _nothing_stored(survey, employee)


def test_without_an_invitation_or_with_a_forged_link(survey, employee, other_employee):
    mine = survey.invitations.get(employee=employee)
    for token in ("forged-token", mine.token):  # a made-up link, and someone else's link
        with pytest.raises(PermissionDenied):
            response_submit(token=token, employee=other_employee, data=valid_answers(survey))
    with pytest.raises(PermissionDenied):
        response_submit(token=mine.token, employee=None, data=valid_answers(survey))
    _nothing_stored(survey, employee)


def test_someone_outside_the_audience_has_no_invitation(personas, employee, other_employee):
    from people.audience import Audience

    survey = survey_open(
        survey=survey_with_all_kinds(audience=Audience.of("department", department=employee.department))
    )
    assert not survey.invitations.filter(employee=other_employee).exists()
    assert survey.invitations.filter(employee=employee).exists()


def test_a_reused_link_is_refused(survey, employee):
    _submit(survey, employee)
    with pytest.raises(ValidationError, match="already answered"):
        _submit(survey, employee)
    assert Response.objects.filter(survey=survey).count() == 1


def test_anonymity_and_thresholds_are_fixed_once_open(survey):
    for field, value in (("anonymous", False), ("min_group_ratings", 3), ("min_group_comments", 20)):
        with pytest.raises(ValidationError) as exc:
            survey_update(survey=survey, **{field: value})
        assert exc.value.message_dict == {field: ["Fixed once the survey is open."]}
    assert survey_update(survey=survey, title="New title").title == "New title"


def test_a_draft_may_change_its_anonymity(personas):
    draft = survey_with_all_kinds()
    assert survey_update(survey=draft, anonymous=False, min_group_ratings=7, min_group_comments=12).anonymous is False


def test_thresholds_below_three_or_comments_below_ratings_are_refused(personas):
    with pytest.raises(ValidationError) as exc:
        survey_with_all_kinds(min_group_ratings=2)
    assert "min_group_ratings" in exc.value.message_dict
    with pytest.raises(ValidationError):
        survey_with_all_kinds(min_group_ratings=8, min_group_comments=5)


def test_a_named_survey_keeps_the_person_and_time(personas, employee):
    survey = survey_open(survey=survey_with_all_kinds(anonymous=False))
    response = answer(survey, employee)
    assert response.employee == employee
    assert abs(response.submitted_at - timezone.now()) < timedelta(minutes=1)
