"""Enrolments for the people `seed_demo --employees N` adds (hris.scale): 5 each, in every state,
written in bulk (the demo's own people keep the enrolments the demo gives them through the
services). What is approved, started or completed is a cheap item, so the budgets step can book
it within every budget; pending requests (1 in 20 people) are what the approval pages list.

Idempotent: people who already have an enrolment get none."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from people.models import Employee

from .models import Enrolment, LearningItem, Status

BATCH = 5000
CHEAP = Decimal("100")


def _enrolments(index: int, employee_id: int, cheap: list[int], dear: list[int], now) -> list[Enrolment]:
    day = timedelta(days=1)
    at = now - day * (30 + index % 300)

    def cheap_item(k):
        return cheap[(index + 5 * k) % len(cheap)]

    def dear_item(k):  # never one of the cheap items, so never a second open enrolment for one
        return dear[(index * 7 + k) % len(dear)]

    done = {"decided_at": at + day, "started_at": at + 2 * day, "completed_at": at + 9 * day}
    pending = index % 20 == 0
    return [
        Enrolment(employee_id=employee_id, item_id=cheap_item(0), status=Status.COMPLETED, **done),
        Enrolment(
            employee_id=employee_id,
            item_id=cheap_item(1),
            status=Status.STARTED if index % 2 else Status.APPROVED,
            decided_at=at + day,
            started_at=(at + 2 * day) if index % 2 else None,
        ),
        Enrolment(
            employee_id=employee_id,
            item_id=dear_item(2),
            status=Status.REQUESTED if pending else Status.REJECTED,
            decided_at=None if pending else at + day,
            routed_to_ld=pending and index % 40 == 0,
        ),
        Enrolment(employee_id=employee_id, item_id=dear_item(3), status=Status.CANCELLED, cancelled_at=at + day),
        Enrolment(employee_id=employee_id, item_id=cheap_item(4), status=Status.COMPLETED, **done),
    ]


@transaction.atomic
def seed_scale_enrolments(employees: int) -> None:
    items = list(LearningItem.objects.order_by("pk").values_list("pk", "cost"))
    cheap = [pk for pk, cost in items if cost <= CHEAP]
    dear = [pk for pk, cost in items if cost > CHEAP]
    if len(cheap) < 6 or len(dear) < 4:
        return
    people = (
        Employee.objects.filter(active=True, external_id__startswith="S", enrolments__isnull=True)
        .order_by("pk")
        .values_list("pk", "external_id")
    )
    now, batch = timezone.now(), []
    for employee_id, external_id in people.iterator(chunk_size=BATCH):
        for enrolment in _enrolments(int(external_id[1:]), employee_id, cheap, dear, now):
            enrolment.motivation = "Growing in my work."
            batch.append(enrolment)
        if len(batch) >= BATCH:
            Enrolment.objects.bulk_create(batch)
            batch = []
    Enrolment.objects.bulk_create(batch)
