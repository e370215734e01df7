"""Reminders "you have €X left, it expires in N days": once per budget and moment, through the
delivery service (comms), in the employee's language."""

from datetime import date

import pytest
from django.core import mail

from budgets.models import Budget, ReminderSent
from budgets.services import budget_allocate, budget_reminders_send
from comms.models import Delivery, Message
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(policy):
    policy.reminder_days = "30,7"
    policy.save()
    e = EmployeeFactory(email="zoe@example.test", locale="en")
    budget_allocate(on=date(2026, 6, 1))
    return Budget.objects.get(employee=e)


def _sent(budget) -> list[Message]:
    return list(Message.objects.filter(key__startswith=f"budgets.reminder:{budget.pk}:").order_by("pk"))


def test_each_moment_is_sent_once_through_the_delivery_service(budget, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert budget_reminders_send(today=date(2026, 11, 30)) == 0  # 31 days before: not yet
        assert budget_reminders_send(today=date(2026, 12, 1)) == 1  # 30 days before
        assert budget_reminders_send(today=date(2026, 12, 2)) == 0  # same moment: not again
        assert budget_reminders_send(today=date(2026, 12, 24)) == 1  # 7 days before
        assert budget_reminders_send(today=date(2026, 12, 25)) == 0
    thirty, seven = _sent(budget)
    assert thirty.key == f"budgets.reminder:{budget.pk}:30"
    assert thirty.category == "budgets"
    assert thirty.link.endswith("/budget/")
    assert "You have €1,000.00 of learning budget left. It expires on 31 Dec 2026, in 30 days." in thirty.body
    assert "in 7 days" in seven.body
    assert set(Delivery.objects.values_list("employee_id", "channel")) == {
        (budget.employee_id, "email"),
        (budget.employee_id, "in_app"),
    }
    assert [m.to for m in mail.outbox] == [["zoe@example.test"]] * 2
    assert set(ReminderSent.objects.values_list("days_before", flat=True)) == {30, 7}


def test_a_late_budget_gets_only_the_nearest_moment(budget):
    assert budget_reminders_send(today=date(2026, 12, 28)) == 1
    assert "in 3 days" in _sent(budget)[0].body
    assert budget_reminders_send(today=date(2026, 12, 29)) == 0


def test_dutch_employee_gets_dutch_text(budget):
    budget.employee.locale = "nl"
    budget.employee.save()
    budget_reminders_send(today=date(2026, 12, 1))
    message = _sent(budget)[0]
    assert "Je hebt nog € 1.000,00 leerbudget" in message.subject
    assert "Het verloopt op 31-12-2026, over 30 dagen." in message.body


def test_no_reminder_for_a_used_up_budget(budget):
    Budget.objects.filter(pk=budget.pk).update(spent=budget.allocated)
    assert budget_reminders_send(today=date(2026, 12, 1)) == 0


def test_a_failed_send_is_not_recorded_so_the_next_run_retries(budget, monkeypatch):
    from comms import services as comms_services

    def broken(**kwargs):
        raise ConnectionError("delivery service down")

    monkeypatch.setattr(comms_services, "notify", broken)
    with pytest.raises(ConnectionError):
        budget_reminders_send(today=date(2026, 12, 1))
    assert not ReminderSent.objects.exists()
    monkeypatch.undo()
    assert budget_reminders_send(today=date(2026, 12, 1)) == 1
