"""Adoption's background work: thin tasks that call one service."""

from celery import shared_task

from .services import action_remind, actions_remind_due


@shared_task(name="adoption.tick_task", acks_late=True, soft_time_limit=300, time_limit=600)
def adoption_tick_task() -> int:
    """Beat sends it every tick: owners of actions due are reminded, once."""
    return actions_remind_due()


@shared_task(
    name="adoption.action_remind_task", acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5
)
def action_remind_task(action_id: int) -> int:
    return action_remind(action_id=action_id)
