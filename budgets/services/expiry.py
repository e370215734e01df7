"""The end of a period: what is left carried over as the policy allows and the rest expired, and
the reminders before that moment."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from people.formatting import day, money

from ..models import ZERO, Budget, BudgetPolicy, CarryOver, EntryKind, LedgerEntry
from .allocation import budget_allocate
from .ledger import _apply, _lock


def _carried(budget: Budget) -> Decimal:
    """What the policy lets the budget carry over into the next period."""
    left, policy = budget.available, budget.policy
    if left > 0 and policy.carry_over == CarryOver.ALL:
        return left
    if left > 0 and policy.carry_over == CarryOver.UP_TO:
        return min(left, policy.carry_over_limit)
    return ZERO


def _successor(budget: Budget) -> Budget | None:
    """The employee's next budget, allocated now when it is not there yet (None when no policy
    covers them then, or they left)."""
    next_start = budget.period_end + timedelta(days=1)
    following = Budget.objects.filter(employee_id=budget.employee_id, period_start__gte=next_start)
    successor = following.order_by("period_start").first()
    if successor is None:
        budget_allocate(on=next_start, employee_ids=[budget.employee_id])
        successor = following.order_by("period_start").first()
    return successor


def _carry_over(budget: Budget, successor: Budget, carry: Decimal) -> None:
    _apply(
        budget,
        LedgerEntry(
            kind=EntryKind.CARRY_OVER,
            allocated=-carry,
            key=f"carry-out:{budget.pk}",
            description=_("Carried over to the next period"),
        ),
    )
    _apply(
        _lock(successor.pk),
        LedgerEntry(
            kind=EntryKind.CARRY_OVER,
            allocated=carry,
            key=f"carry-in:{budget.pk}",
            description=_("Carried over from the previous period"),
        ),
    )


@transaction.atomic
def budget_expire(*, budget_id: int, today: date | None = None) -> LedgerEntry | None:
    """At expiry: carry over what the policy allows into the next period's budget, expire the rest.

    Keyed per budget, so a second run (or a retried task) does nothing."""
    today = today or timezone.localdate()
    budget = _lock(budget_id)
    if budget.expired_at is not None or budget.expires_on >= today:
        return None
    carry = _carried(budget)
    successor = _successor(budget) if carry > 0 else None
    if successor is not None:
        _carry_over(budget, successor, carry)
    entry = None
    rest = budget.available
    if rest > 0:
        entry = _apply(
            budget,
            LedgerEntry(kind=EntryKind.EXPIRY, allocated=-rest, key=f"expiry:{budget.pk}", description=_("Expired")),
        )
    Budget.objects.filter(pk=budget.pk).update(expired_at=timezone.now())
    return entry


def _reminder_text(budget: Budget, days_left: int) -> tuple[str, str]:
    from django.utils.translation import ngettext

    # Called in the recipient's language: the one formatter writes the amount and the date as they read them.
    amount = money(budget.available)
    subject = _("You have %(amount)s of learning budget left") % {"amount": amount}
    body = ngettext(
        "You have %(amount)s of learning budget left. It expires on %(date)s, in %(days)d day.",
        "You have %(amount)s of learning budget left. It expires on %(date)s, in %(days)d days.",
        days_left,
    ) % {"amount": amount, "date": day(budget.expires_on), "days": days_left}
    return subject, body


def budget_reminders_send(*, today: date | None = None) -> int:
    """Send "you have €X left, it expires in N days" at each policy's reminder moments, once per
    budget and moment, through the delivery service (in the app and by e-mail, by preference)."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from comms.services import notify

    from ..models import ReminderSent

    today = today or timezone.localdate()
    policies = {p.pk: p.reminder_day_list() for p in BudgetPolicy.objects.all()}
    horizon = max((max(days) for days in policies.values() if days), default=None)
    if horizon is None:
        return 0
    candidates = (
        Budget.objects.select_related("employee")
        .filter(
            expired_at=None,
            employee__active=True,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=horizon),
            allocated__gt=F("committed") + F("spent"),
        )
        .order_by("pk")
    )
    link = settings.SITE_URL.rstrip("/") + reverse("budgets:mine")
    sent = 0
    for budget in candidates.iterator(chunk_size=500):
        days_left = (budget.expires_on - today).days
        due = [d for d in policies.get(budget.policy_id, []) if days_left <= d]
        if not due:
            continue
        moment = min(due)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(budget=budget, days_before=moment, channel="notify")
            except IntegrityError:
                continue  # already sent for this moment
            with translation.override(budget.employee.locale):
                subject, body = _reminder_text(budget, days_left)
            notify(
                key=f"budgets.reminder:{budget.pk}:{moment}",
                employee_ids=[budget.employee_id],
                subject=subject,
                body=body,
                link=link,
                category="budgets",
            )
        sent += 1
    return sent
