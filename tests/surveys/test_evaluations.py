"""Evaluations: a completed training invites its evaluation once (also when the event or the task
comes twice, on a real worker), with the follow-up scheduled; the follow-up is sent once when due."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.services import enrolment_complete
from comms.models import Delivery
from surveys.models import Invitation, Kind, Survey
from surveys.services import evaluation_invite, follow_ups_send
from tests.catalog.factories import EnrolmentFactory
from tests.factories import EmployeeFactory
from tests.workers import wait_for


def _complete(employee):
    enrolment = EnrolmentFactory(employee=employee, status="started", started_at=timezone.now())
    enrolment_complete(enrolment=enrolment, by=None)
    return enrolment


@pytest.mark.redis
def test_a_completion_invites_the_evaluation_once_with_a_real_worker(celery_worker_process, require_postgres):
    employee = EmployeeFactory(locale="nl")
    enrolment = _complete(employee)  # the event's task runs here (eager); the worker then runs it twice more
    args = (employee.pk, enrolment.item_id, enrolment.item.title)
    celery_worker_process.send("surveys.evaluation_invite", *args)
    celery_worker_process.send("surveys.evaluation_invite", *args)
    wait_for(
        lambda: celery_worker_process.log().count("surveys.evaluation_invite") >= 4,
        timeout=60,
        message="both task runs to finish",
    )
    survey = Survey.objects.get(kind=Kind.EVALUATION, item_id=enrolment.item_id)
    assert survey.status == "open"
    assert list(Invitation.objects.filter(survey=survey).values_list("employee_id", "follow_up")) in (
        [(employee.pk, False), (employee.pk, True)],
        [(employee.pk, True), (employee.pk, False)],
    )
    invites = Delivery.objects.filter(message__key=f"surveys.invite:{survey.pk}:nl", employee=employee)
    assert sorted(invites.values_list("channel", flat=True)) == ["email", "in_app"]


@pytest.mark.django_db
def test_the_follow_up_is_sent_once_when_due(django_capture_on_commit_callbacks):
    employee = EmployeeFactory()
    enrolment = EnrolmentFactory(employee=employee, status="completed")
    assert evaluation_invite(employee_id=employee.pk, item_id=enrolment.item_id, item_title="Excel")
    assert not evaluation_invite(employee_id=employee.pk, item_id=enrolment.item_id, item_title="Excel")
    survey = Survey.objects.get(kind=Kind.EVALUATION, item_id=enrolment.item_id)
    assert follow_ups_send(now=timezone.now()) == 0  # not due yet
    later = timezone.now() + timedelta(days=survey.follow_up_days)
    follow_ups_send(now=later)
    follow_ups_send(now=later)
    sent = Delivery.objects.filter(message__key__startswith=f"surveys.follow_up:{survey.pk}:", employee=employee)
    assert sent.filter(channel="in_app").count() == 1
    assert survey.questions.filter(follow_up=True, key="apply").exists()


@pytest.mark.django_db
def test_a_completion_after_the_round_expired_starts_the_next_round_even_before_beat_closes_it():
    first, later = EmployeeFactory(), EmployeeFactory()
    item = EnrolmentFactory(employee=first, status="completed").item
    start = timezone.now() - timedelta(days=200)
    evaluation_invite(employee_id=first.pk, item_id=item.pk, item_title=item.title, now=start)
    old = Survey.objects.get(kind=Kind.EVALUATION, item_id=item.pk)
    evaluation_invite(employee_id=later.pk, item_id=item.pk, item_title=item.title, now=start + timedelta(days=100))
    old.refresh_from_db()
    assert old.status == "closed"
    new = Survey.objects.get(kind=Kind.EVALUATION, item_id=item.pk, status="open")
    assert new.invitations.filter(employee=later, follow_up=False).exists()
    assert not old.invitations.filter(employee=later).exists()
