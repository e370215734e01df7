"""Reads shared by the comms pages and API."""

from django.db.models import Count, Q

from .models import Channel, CommunicationPlan, Delivery, Message


def notifications_of(*, employee):
    return (
        Delivery.objects.filter(employee=employee, channel=Channel.IN_APP)
        .select_related("message")
        .order_by("-created_at", "-id")
    )


def unread_count(*, employee) -> int:
    return Delivery.objects.filter(employee=employee, channel=Channel.IN_APP, read_at=None).count()


REACH = {
    "recipients": Count("deliveries__employee", distinct=True),
    "queued": Count("deliveries", filter=Q(deliveries__status=Delivery.Status.QUEUED)),
    "delivered": Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
    "failed": Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
    "opened": Count("deliveries", filter=Q(deliveries__opened_at__isnull=False) | Q(deliveries__read_at__isnull=False)),
    "clicked": Count("deliveries", filter=Q(deliveries__clicked_at__isnull=False)),
}


def plans_with_counts():
    return CommunicationPlan.objects.annotate(message_count=Count("messages")).order_by("name")


def plan_messages_with_reach(*, plan):
    return (
        Message.objects.filter(plan=plan)
        .select_related("department", "job_group")
        .annotate(**REACH)
        .order_by("send_at", "id")
    )


def failed_deliveries(*, plan=None, limit=50):
    qs = Delivery.objects.filter(status=Delivery.Status.FAILED).select_related("message", "employee")
    if plan is not None:
        qs = qs.filter(message__plan=plan)
    return qs.order_by("-created_at")[:limit]
