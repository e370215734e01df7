"""What recipients do: read their notifications, open and click e-mails, choose what they receive."""

from django.db import transaction
from django.utils import timezone

from people.models import Employee

from ..models import (
    Channel,
    Delivery,
    OptOut,
)


def notification_mark_read(*, employee: Employee, delivery_id: int | None = None) -> int:
    """Mark one (or, without an id, every) in-app notification of this employee read."""
    qs = Delivery.objects.filter(employee=employee, channel=Channel.IN_APP, read_at=None)
    if delivery_id is not None:
        qs = qs.filter(pk=delivery_id)
    return qs.update(read_at=timezone.now())


def delivery_record_open(*, delivery_id: int) -> bool:
    return bool(Delivery.objects.filter(pk=delivery_id, opened_at=None).update(opened_at=timezone.now()))


def delivery_record_click(*, delivery_id: int) -> bool:
    now = timezone.now()
    # A click proves the e-mail was opened even when images were blocked.
    Delivery.objects.filter(pk=delivery_id, opened_at=None).update(opened_at=now)
    return bool(Delivery.objects.filter(pk=delivery_id, clicked_at=None).update(clicked_at=now))


def preferences_set(*, employee: Employee, choices: dict[tuple[str, str], bool]) -> None:
    """choices: {(channel, category): receive?}. Stored as opt-outs; mandatory messages ignore them."""
    with transaction.atomic():
        for (channel, category), receive in choices.items():
            if receive:
                OptOut.objects.filter(employee=employee, channel=channel, category=category).delete()
            else:
                OptOut.objects.get_or_create(employee=employee, channel=channel, category=category)


def unsubscribe(*, employee_id: int, category: str) -> bool:
    """Stop e-mail of this category (blank: all e-mail) for the employee; idempotent."""
    if not Employee.objects.filter(pk=employee_id).exists():
        return False
    OptOut.objects.get_or_create(employee_id=employee_id, channel=Channel.EMAIL, category=category)
    return True
