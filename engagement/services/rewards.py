"""Rewards from L&D: a thank-you through the delivery service, a badge on the profile, and
optionally extra learning budget: one adjustment on the budgets' ledger (its rules apply), paid
from the quarter's reward pool, which two rewards at once cannot overspend."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from budgets.services.ledger import budget_adjust, budget_current
from people.access import roles_of
from people.formatting import money
from people.notices import literal, notify_each_language

from ..models import Reward, RewardPool
from ..selectors import Quarter


def _lock_pool(period: str) -> RewardPool:
    """The quarter's pool row, locked until the transaction ends (the race test patches this)."""
    RewardPool.objects.get_or_create(period=period, defaults={"amount": Decimal(settings.ENGAGEMENT_REWARD_POOL)})
    return RewardPool.objects.select_for_update().get(period=period)


def reward_pool_left(period: str) -> Decimal:
    pool = RewardPool.objects.filter(period=period).first()
    amount = pool.amount if pool else Decimal(settings.ENGAGEMENT_REWARD_POOL)
    given = Reward.objects.filter(period=period).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return amount - given


@transaction.atomic
def reward_give(
    *, employee, by, message: str, badge: str = "", amount: Decimal | None = None, reason: str = "", quarter=None
) -> Reward:
    """`by` is the L&D user. The thank-you is sent on the delivery service in the person's language."""
    message, badge, reason = (message or "").strip(), (badge or "").strip(), (reason or "").strip()
    errors = {}
    if not message:
        errors["message"] = _("Write the thank-you message.")
    if amount is not None and amount <= 0:
        errors["amount"] = _("Extra budget is a positive amount.")
    if amount and not reason:
        errors["reason"] = _("Give a reason for the extra budget.")
    if errors:
        raise ValidationError(errors)
    period = (quarter or Quarter.parse(None)).key
    entry_id = None
    if amount:
        pool = _lock_pool(period)
        given = Reward.objects.filter(period=period).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if given + amount > pool.amount:
            raise ValidationError(
                {"amount": _("The reward pool has %(left)s left this quarter.") % {"left": money(pool.amount - given)}}
            )
        budget = budget_current(employee_id=employee.pk)
        if budget is None:
            raise ValidationError({"amount": _("%(name)s has no learning budget to add to.") % {"name": employee}})
        entry_id = budget_adjust(budget=budget, amount=amount, reason=reason, by=by).pk
    reward = Reward.objects.create(
        employee=employee,
        by=roles_of(by).employee,
        message=message,
        badge=badge,
        amount=amount or None,
        budget_entry_id=entry_id,
        period=period,
    )

    def compose():
        body = literal(message)
        if badge:
            body += "\n\n" + _("Your badge: %(badge)s") % {"badge": literal(badge)}
        if amount:
            body += "\n" + _("Extra learning budget: %(amount)s") % {"amount": money(amount)}
        return _("Thank you for your learning"), body

    notify_each_language(
        key=f"engagement.reward:{reward.pk}",
        people=[(employee.pk, employee.locale)],
        compose=compose,
        link=reverse("engagement:mine"),
        category="system",
    )
    return reward
