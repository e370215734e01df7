"""Periodic budget work: thin tasks that call one service; each is safe to run twice."""

from celery import shared_task
from django.utils import timezone

from . import services
from .models import Budget


@shared_task
def budgets_allocate_task() -> dict:
    """Allocate every period that has started (and re-allocate changed bases). Keyed: no doubles."""
    return services.budget_allocate()


@shared_task
def budgets_expire_task() -> int:
    today = timezone.localdate()
    ids = list(Budget.objects.filter(expired_at=None, expires_on__lt=today).values_list("pk", flat=True))
    for budget_id in ids:
        services.budget_expire(budget_id=budget_id, today=today)
    return len(ids)


@shared_task
def budget_reminders_task() -> int:
    return services.budget_reminders_send()


@shared_task(acks_late=True)
def budget_change_notices_task(keys: list[str]) -> int:
    """Tell employees their budget was re-allocated (keyed per ledger entry: a second run sends nothing)."""
    from .services.notices import budget_reallocations_notify

    return budget_reallocations_notify(keys=keys)
