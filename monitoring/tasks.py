"""Monitoring's background work: the nightly snapshots and kept figures."""

from celery import shared_task

from .services import figures_keep_due, snapshots_catch_up


@shared_task(name="monitoring.snapshots_catch_up_task", acks_late=True, soft_time_limit=3000, time_limit=3600)
def snapshots_catch_up_task() -> int:
    """Beat sends it every tick; it takes the nights not yet taken and keeps the dashboard's figures
    of the day when not kept yet (usually neither, after two queries). Returns the nights taken."""
    nights = snapshots_catch_up()
    figures_keep_due()
    return nights
