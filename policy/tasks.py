"""Thin Celery tasks for the learning-moment reminders; the work is in policy.reminders."""

from celery import shared_task


@shared_task(name="policy.reminders_tick_task")
def reminders_tick_task():
    from .reminders import reminders_tick

    return reminders_tick()


@shared_task(name="policy.reminder_send_task")
def reminder_send_task(run_id: int):
    from .reminders import reminder_send

    return reminder_send(run_id=run_id)
