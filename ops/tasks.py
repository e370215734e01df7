"""Background work of operations: relaying the outbox, forgetting what it sent long ago."""

from celery import shared_task

from .outbox import outbox_prune, outbox_relay_pending


@shared_task(name="ops.outbox_relay_task", acks_late=True)
def outbox_relay_task() -> int:
    """Beat: publish what the relay after the commit could not (idempotent: rows are claimed)."""
    return outbox_relay_pending()


@shared_task(name="ops.outbox_prune_task")
def outbox_prune_task() -> int:
    return outbox_prune()
