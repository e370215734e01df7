"""Background work of the catalog: keeping colleagues' completions and ratings per department fresh,
and announcing a new item to the other apps."""

from celery import shared_task

from .services import item_announce, item_stats_refresh


@shared_task(name="catalog.item_stats_refresh")
def item_stats_refresh_task(item_id: int) -> int:
    """After a completion or a rating: recompute that item's rows (idempotent)."""
    return item_stats_refresh(item_ids=[item_id])


@shared_task(name="catalog.stats_refresh_all")
def stats_refresh_all_task() -> int:
    """Nightly: recompute every item's rows from the enrolments (idempotent)."""
    return item_stats_refresh()


@shared_task(name="catalog.item_announce")
def item_announce_task(item_id: int) -> bool:
    """After an item was added (recorded in its transaction): tell the other apps (idempotent there)."""
    return item_announce(item_id=item_id)
