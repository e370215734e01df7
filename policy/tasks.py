"""Thin Celery tasks for the learning-moment reminders; the work is in policy.reminders."""

from celery import shared_task
from django.db import OperationalError


@shared_task(name="policy.reminders_tick_task")
def reminders_tick_task():
    from .reminders import reminders_tick

    return reminders_tick()


# A database hiccup mid-batch retries the whole send: batches already in are no-ops the second time.
@shared_task(name="policy.reminder_send_task", autoretry_for=(OperationalError, ConnectionError, TimeoutError))
def reminder_send_task(run_id: int):
    from .reminders import reminder_send

    return reminder_send(run_id=run_id)


@shared_task(name="policy.hours_keep_task", acks_late=True, soft_time_limit=600, time_limit=900)
def hours_keep_task() -> bool:
    """Beat sends it every tick; it keeps today's hours per scope when not kept yet for the
    policies as they are (usually not, after two small queries)."""
    from .services import hours_keep_due

    return hours_keep_due()
