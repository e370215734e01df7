"""Monitoring's background work: the nightly snapshots."""

from celery import shared_task

from .services import snapshots_catch_up


@shared_task(name="monitoring.snapshots_catch_up_task", acks_late=True, soft_time_limit=3000, time_limit=3600)
def snapshots_catch_up_task() -> int:
    """Beat sends it every tick; it takes the nights not yet taken (usually none, after one query)."""
    return snapshots_catch_up()
