"""Invitations and reminders go through the comms delivery service: once per person and channel,
in the invitee's language, reminders only to those who have not answered."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comms.models import Delivery
from people.audience import Audience
from surveys.services import invitations_send, reminders_send, survey_open
from tests.surveys.helpers import answer, survey_with_all_kinds

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(personas, employee, manager, django_capture_on_commit_callbacks):
    employee.locale = "nl"
    employee.save()
    audience = Audience.of("department", department=employee.department)
    with django_capture_on_commit_callbacks(execute=True):
        survey = survey_open(survey=survey_with_all_kinds(audience=audience))
    return survey


def _deliveries(survey, kind):
    return Delivery.objects.filter(message__key__startswith=f"surveys.{kind}:{survey.pk}:", channel="in_app")


def test_everyone_in_the_audience_is_invited_once_in_their_language(opened, employee, manager, other_employee):
    sent = _deliveries(opened, "invite")
    assert sorted(sent.values_list("employee_id", flat=True)) == sorted(
        opened.invitations.values_list("employee_id", flat=True)
    )
    assert not sent.filter(employee=other_employee).exists()
    mine = sent.get(employee=employee).message
    assert mine.key.endswith(":nl")
    assert mine.subject.startswith("Je mening")
    assert sent.get(employee=manager).message.subject.startswith("Your opinion, please")
    before = Delivery.objects.count()
    invitations_send(survey_id=opened.pk)  # a retried task
    assert Delivery.objects.count() == before


def test_a_reminder_goes_once_and_only_to_those_who_have_not_answered(opened, employee, manager):
    answer(opened, employee)
    later = timezone.now() + timedelta(days=opened.reminder_days, minutes=1)
    assert reminders_send(now=timezone.now()) == 0  # too early
    reminders_send(now=later)
    reminded = set(_deliveries(opened, "remind").values_list("employee_id", flat=True))
    assert manager.pk in reminded
    assert employee.pk not in reminded
    before = Delivery.objects.count()
    assert reminders_send(now=later) == 0
    assert Delivery.objects.count() == before


def test_typed_title_and_introduction_never_read_as_placeholders(
    personas, employee, django_capture_on_commit_callbacks
):
    audience = Audience.of("department", department=employee.department)
    survey = survey_with_all_kinds(
        audience=audience, title="Budget {{ budget_available }}", intro="Hi {{first_name}}, see {{ catalog_link }}"
    )
    with django_capture_on_commit_callbacks(execute=True):
        survey_open(survey=survey)
    message = _deliveries(survey, "invite").get(employee=employee).message
    assert "{{" not in message.subject + message.body
    assert "Budget { { budget_available } }" in message.subject
    assert "Hi { {first_name} }, see { { catalog_link } }" in message.body
