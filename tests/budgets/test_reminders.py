"""Reminders "you have €X left, it expires in N days": once per budget and moment, through the
delivery service when it is there, by e-mail until then."""

from datetime import date

import pytest
from django.core import mail

from budgets.models import Budget, ReminderSent
from budgets.services import budget_allocate, budget_reminders_send
from people.registry import registry
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(policy):
    policy.reminder_days = "30,7"
    policy.save()
    e = EmployeeFactory(email="zoe@example.test", locale="en")
    budget_allocate(on=date(2026, 6, 1))
    return Budget.objects.get(employee=e)


@pytest.fixture
def no_notify(monkeypatch):
    monkeypatch.delitem(registry.providers, "notify", raising=False)


def test_email_fallback_sends_each_moment_once(budget, no_notify):
    assert budget_reminders_send(today=date(2026, 11, 30)) == 0  # 31 days before: not yet
    assert budget_reminders_send(today=date(2026, 12, 1)) == 1  # 30 days before
    assert budget_reminders_send(today=date(2026, 12, 2)) == 0  # same moment: not again
    assert budget_reminders_send(today=date(2026, 12, 24)) == 1  # 7 days before
    assert budget_reminders_send(today=date(2026, 12, 25)) == 0
    assert len(mail.outbox) == 2
    assert mail.outbox[0].to == ["zoe@example.test"]
    assert "You have €1000.00 of learning budget left. It expires on 2026-12-31, in 30 days." in mail.outbox[0].body
    assert "in 7 days" in mail.outbox[1].body
    assert set(ReminderSent.objects.values_list("days_before", flat=True)) == {30, 7}


def test_a_late_budget_gets_only_the_nearest_moment(budget, no_notify):
    assert budget_reminders_send(today=date(2026, 12, 28)) == 1
    assert "in 3 days" in mail.outbox[0].body
    assert budget_reminders_send(today=date(2026, 12, 29)) == 0


def test_dutch_employee_gets_dutch_text(budget, no_notify):
    budget.employee.locale = "nl"
    budget.employee.save()
    budget_reminders_send(today=date(2026, 12, 1))
    assert "Je hebt nog €1000.00 leerbudget" in mail.outbox[0].subject


def test_no_reminder_for_a_used_up_budget(budget, no_notify):
    Budget.objects.filter(pk=budget.pk).update(spent=budget.allocated)
    assert budget_reminders_send(today=date(2026, 12, 1)) == 0


def test_uses_the_delivery_service_when_it_is_registered(budget, monkeypatch):
    calls = []

    def notify(*, key, employee_ids, subject, body, link="", category, mandatory=False):
        calls.append({"key": key, "ids": list(employee_ids), "subject": subject, "link": link, "category": category})
        return 1

    monkeypatch.setitem(registry.providers, "notify", notify)
    budget_reminders_send(today=date(2026, 12, 1))
    budget_reminders_send(today=date(2026, 12, 1))
    assert len(calls) == 1
    assert calls[0]["key"] == f"budgets.reminder:{budget.pk}:30"
    assert calls[0]["ids"] == [budget.employee_id]
    assert calls[0]["link"].endswith("/budget/")
    assert mail.outbox == []


def test_a_failed_send_is_not_recorded_so_the_next_run_retries(budget, monkeypatch):
    def broken(**kwargs):
        raise ConnectionError("delivery service down")

    monkeypatch.setitem(registry.providers, "notify", broken)
    with pytest.raises(ConnectionError):
        budget_reminders_send(today=date(2026, 12, 1))
    assert not ReminderSent.objects.exists()
