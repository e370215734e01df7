"""Goals' background work: thin tasks that call one service."""

from celery import shared_task

from .services import goal_evaluate, goals_tick


@shared_task(name="goals.tick_task", acks_late=True, soft_time_limit=600, time_limit=900)
def goals_tick_task() -> dict:
    """Beat sends it every tick: deadlines passed are evaluated once, trends read once a day."""
    return goals_tick()


@shared_task(name="goals.evaluate_task", acks_late=True)
def goal_evaluate_task(goal_id: int) -> str:
    return goal_evaluate(goal_id=goal_id)
