"""The budget movements of the enrolments `seed_demo --employees N` adds (catalog.scale): a
commitment for each approved or started one, a commitment and its spend for each completed one,
appended in bulk, and every budget's balance moved by the sum of its new entries in one UPDATE.
Idempotent: enrolments that already have a commitment are skipped."""

from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import Enrolment, Status

from .models import ZERO, Budget, EntryKind, LedgerEntry

BATCH = 5000


@transaction.atomic
def seed_scale_ledger(employees: int) -> None:
    on = timezone.localdate()
    budget_of = dict(
        Budget.objects.filter(
            employee__external_id__startswith="S", period_start__lte=on, period_end__gte=on
        ).values_list("employee_id", "pk")
    )
    booked = LedgerEntry.objects.filter(enrolment_id=OuterRef("pk"), kind=EntryKind.COMMITMENT)
    enrolments = (
        Enrolment.objects.filter(
            employee__external_id__startswith="S",
            status__in=[Status.APPROVED, Status.STARTED, Status.COMPLETED],
        )
        .exclude(pk__in=Subquery(booked.values("enrolment_id")))
        .values_list("pk", "employee_id", "status", "item__title", "item__cost", "item__duration_hours")
        .order_by("pk")
    )
    touched, batch = set(), []
    for pk, employee_id, status, title, cost, hours in enrolments.iterator(chunk_size=BATCH):
        budget_id = budget_of.get(employee_id)
        if budget_id is None:
            continue
        touched.add(budget_id)
        batch.append(
            LedgerEntry(
                budget_id=budget_id, kind=EntryKind.COMMITMENT, committed=cost, enrolment_id=pk, description=title
            )
        )
        if status == Status.COMPLETED:
            batch.append(
                LedgerEntry(
                    budget_id=budget_id,
                    kind=EntryKind.SPEND,
                    committed=-cost,
                    spent=cost,
                    hours_used=hours,
                    enrolment_id=pk,
                    description=title,
                )
            )
        if len(batch) >= BATCH:
            LedgerEntry.objects.bulk_create(batch)
            batch = []
    LedgerEntry.objects.bulk_create(batch)
    if not touched:
        return
    # Each balance is the sum of its entries (the ledger's invariant), recomputed in one statement.
    fields = ("allocated", "committed", "spent", "hours_allocated", "hours_used")
    sums = LedgerEntry.objects.filter(budget=OuterRef("pk")).values("budget")
    Budget.objects.filter(employee__external_id__startswith="S", period_start__lte=on, period_end__gte=on).update(
        **{f: Coalesce(Subquery(sums.annotate(total=Sum(f)).values("total")), ZERO) for f in fields}
    )
