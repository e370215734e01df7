"""The per-department completions and ratings the ranking reads (ItemDepartmentStat), and the
announcement of a new item."""

from django.db import transaction
from django.db.models import Count, Sum

from ops.outbox import outbox_enqueue

from ..models import (
    Enrolment,
    ItemDepartmentStat,
    LearningItem,
    Status,
)


def _refresh_stats_on_commit(enrolment: Enrolment) -> None:
    if enrolment.item_id:
        from ..tasks import item_stats_refresh_task

        outbox_enqueue(item_stats_refresh_task.name, enrolment.item_id)


@transaction.atomic
def item_stats_refresh(*, item_ids=None) -> int:
    """Recompute completions and ratings per item and department (all items, or the ones given).
    Idempotent: the rows are replaced with what the enrolments say now."""
    enrolments = Enrolment.objects.filter(
        status=Status.COMPLETED, item__isnull=False, employee__department__isnull=False
    )
    stats = ItemDepartmentStat.objects.all()
    if item_ids is not None:
        enrolments = enrolments.filter(item_id__in=item_ids)
        stats = stats.filter(item_id__in=item_ids)
    rows = (
        enrolments.values("item_id", "employee__department_id")
        .annotate(n=Count("pk"), rsum=Sum("rating"), rcount=Count("rating"))
        .order_by()
    )
    fresh = [
        ItemDepartmentStat(
            item_id=r["item_id"],
            department_id=r["employee__department_id"],
            completions=r["n"],
            rating_sum=r["rsum"] or 0,
            rating_count=r["rcount"],
        )
        for r in rows
    ]
    stats.delete()
    ItemDepartmentStat.objects.bulk_create(fresh, batch_size=2000)
    return len(fresh)


def item_announce(*, item_id: int) -> bool:
    """Send `catalog.item_added` for an item (comms keys what it sends by item, so twice is once).
    False when the item is gone by now."""
    from people.signals import domain_event

    item = LearningItem.objects.filter(pk=item_id).first()
    if item is None:
        return False
    domain_event.send(sender=LearningItem, name="catalog.item_added", item=item)
    return True
