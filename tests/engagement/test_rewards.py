"""Rewards (issue 19): a thank-you through the delivery service, a badge on the profile, and extra
budget as one adjustment on the budgets' ledger whose rules apply; the quarter's reward pool is
never overspent, also by two rewards at once (the pool row's lock; without it, the negative
control, both pass)."""

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from budgets.models import Budget, BudgetPolicy, EntryKind, LedgerEntry
from budgets.services import budget_allocate
from comms.models import Delivery
from engagement.models import Reward, RewardPool
from engagement.selectors import Quarter
from engagement.services import reward_give, rewards

D = Decimal


@pytest.fixture
def budgets(personas):
    BudgetPolicy.objects.create(name="Everyone", amount=D("1000.00"), hours=D("40"), period_start=date(2026, 1, 1))
    budget_allocate()


def _pool(amount):
    RewardPool.objects.update_or_create(period=Quarter.parse(None).key, defaults={"amount": D(amount)})


@pytest.mark.django_db
def test_a_reward_with_extra_budget_is_one_adjustment_and_a_thank_you(budgets, personas):
    budget = Budget.objects.get(employee=personas.employee)
    before = budget.available
    reward = reward_give(
        employee=personas.employee,
        by=personas.hr.user,
        message="Thank you for the Excel sessions.",
        badge="Learning pioneer",
        amount=D("150.00"),
        reason="Most active in Customer Service",
    )
    entries = LedgerEntry.objects.filter(budget=budget, kind=EntryKind.ADJUSTMENT)
    assert [(e.allocated, e.reason) for e in entries] == [(D("150.00"), "Most active in Customer Service")]
    assert reward.budget_entry_id == entries.get().pk
    budget.refresh_from_db()
    assert budget.available == before + D("150.00")
    sent = Delivery.objects.filter(employee=personas.employee, message__key__startswith="engagement.reward")
    assert {d.message.body for d in sent} == {
        "Thank you for the Excel sessions.\n\nYour badge: Learning pioneer\nExtra learning budget: € 150,00"
    } or {d.message.body for d in sent} == {
        "Thank you for the Excel sessions.\n\nYour badge: Learning pioneer\nExtra learning budget: €150.00"
    }


@pytest.mark.django_db
def test_the_budget_rules_apply_nobody_rewards_their_own_budget(budgets, personas):
    personas.hr.user.refresh_from_db()
    with pytest.raises(ValidationError):
        reward_give(employee=personas.hr, by=personas.hr.user, message="Me", amount=D("10"), reason="Me")
    assert not Reward.objects.exists()
    assert not LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).exists()


@pytest.mark.django_db
def test_the_pool_is_never_overspent(budgets, personas):
    _pool("200.00")
    reward_give(employee=personas.employee, by=personas.hr.user, message="Thanks", amount=D("150"), reason="Active")
    with pytest.raises(ValidationError) as caught:
        reward_give(employee=personas.manager, by=personas.hr.user, message="Thanks", amount=D("60"), reason="Active")
    assert "50,00" in caught.value.message_dict["amount"][0] or "50.00" in caught.value.message_dict["amount"][0]
    assert LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).count() == 1


@pytest.mark.django_db
def test_a_badge_shows_on_the_profile(personas, client):
    reward_give(employee=personas.employee, by=personas.hr.user, message="Thanks", badge="Ambassador of Q3")
    client.force_login(personas.employee.user)
    response = client.get(reverse("people:employee_detail", args=[personas.employee.pk]))
    assert "Ambassador of Q3" in response.content.decode()


@pytest.mark.django_db
def test_the_reward_form_on_the_manage_page(personas, client, budgets):
    client.force_login(personas.hr.user)
    response = client.post(
        reverse("engagement:reward"),
        {
            "reward-employee": personas.employee.pk,
            "reward-message": "Thank you!",
            "reward-badge": "",
            "reward-amount": "25",
            "reward-reason": "",
        },
    )
    assert response.status_code == 400  # extra budget needs a reason
    assert not Reward.objects.exists()
    response = client.post(
        reverse("engagement:reward"),
        {
            "reward-employee": personas.employee.pk,
            "reward-message": "Thank you!",
            "reward-amount": "25",
            "reward-reason": "Hosted two sessions",
        },
    )
    assert response.status_code == 302
    assert Reward.objects.get().amount == D("25.00")


def _two_rewards_at_once(personas):
    barrier = threading.Barrier(2)
    outcomes = []

    def run(employee):
        try:
            barrier.wait()
            reward_give(employee=employee, by=personas.hr.user, message="Thanks", amount=D("150"), reason="Active")
            outcomes.append("given")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(e,)) for e in (personas.employee, personas.manager)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return sorted(outcomes)


@pytest.fixture
def slow_pool(require_postgres, monkeypatch):
    lock = rewards._lock_pool

    def lock_slowly(period):  # widen the window between reading the pool and writing the reward
        pool = lock(period)
        time.sleep(0.3)
        return pool

    monkeypatch.setattr(rewards, "_lock_pool", lock_slowly)
    return lock


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_rewards_at_once_never_overspend_the_pool(slow_pool, budgets, personas):
    _pool("200.00")
    assert _two_rewards_at_once(personas) == ["given", "refused"]
    assert LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_negative_control_without_the_pool_lock_both_rewards_pass(slow_pool, budgets, personas, monkeypatch):
    _pool("200.00")

    def unlocked(period):
        pool = RewardPool.objects.get(period=period)
        time.sleep(0.3)
        return pool

    monkeypatch.setattr(rewards, "_lock_pool", unlocked)
    assert _two_rewards_at_once(personas) == ["given", "given"]  # 300 out of a pool of 200
    assert LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).count() == 2
