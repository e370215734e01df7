"""One response per invitee under a double submit or two tabs, on PostgreSQL: the conditional update
that marks the invitation answered is the guard; without it both submissions are stored."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from surveys.models import Invitation, Response
from surveys.services import answering, survey_open
from tests.factories import EmployeeFactory
from tests.surveys.helpers import survey_with_all_kinds, valid_answers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TABS = 4


@pytest.fixture
def setup(require_postgres, monkeypatch):
    employee = EmployeeFactory()
    survey = survey_open(survey=survey_with_all_kinds())
    slow = answering.questions_for

    def questions_slowly(*args, **kwargs):  # widen the window between reading and claiming
        found = slow(*args, **kwargs)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(answering, "questions_for", questions_slowly)
    return survey, employee


def _submit_in_tabs(survey, employee) -> list[str]:
    token = Invitation.objects.get(survey=survey, employee=employee).token
    barrier = threading.Barrier(TABS)
    outcomes = []

    def run():
        try:
            barrier.wait()
            answering.response_submit(token=token, employee=employee, data=valid_answers(survey))
            outcomes.append("stored")
        except ValidationError as exc:
            outcomes.append(exc.code or "invalid")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(TABS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(outcomes) == TABS
    return sorted(outcomes)


def test_a_double_submit_stores_one_response(setup):
    survey, employee = setup
    outcomes = _submit_in_tabs(survey, employee)
    assert outcomes == ["answered"] * (TABS - 1) + ["stored"]
    assert Response.objects.filter(survey=survey).count() == 1


def test_negative_control_without_the_conditional_update_every_tab_stores_a_response(setup, monkeypatch):
    def claim_without_condition(invitation):
        Invitation.objects.filter(pk=invitation.pk).update(answered=True)
        return True

    monkeypatch.setattr(answering, "_claim", claim_without_condition)
    survey, employee = setup
    outcomes = _submit_in_tabs(survey, employee)
    assert outcomes.count("stored") > 1
    assert Response.objects.filter(survey=survey).count() > 1
