"""Demo data for comms: a communication plan (complete messages and one that still misses a W)
and a few in-app notifications for the demo logins. Idempotent: keyed, never duplicated."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from people.audience import EVERYONE, Audience, AudienceKind
from people.models import Employee

from . import services
from .models import CommunicationPlan, Delivery, Message, Trigger, When

PLAN_NAME = "Learning offer launch 2027"


@transaction.atomic
def demo_step():
    plan, _created = CommunicationPlan.objects.get_or_create(
        name=PLAN_NAME,
        defaults={"description": "Tell every colleague what is on offer, why it matters and where to start."},
    )
    soon = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=7)
    messages = [
        {
            "subject": "{{ first_name }}, your learning budget is waiting",
            "body": "You have {{ budget_available }} to spend on learning this year. "
            "Have a look at the catalog: {{ catalog_link }}",
            "link": "/catalog/",
            "audience": EVERYONE,
            "channels": ["email", "in_app"],
            "reason": "Staff do not know they have a budget, so they do not use it.",
            "when": When.AT,
            "send_at": soon,
        },
        {
            "subject": "Join the next learning moment",
            "body": "Hi {{ first_name }}, the next learning moment is {{ next_learning_moment }}.",
            "audience": Audience(AudienceKind.MANAGERS),
            "channels": ["in_app"],
            "reason": "Managers set the example: when they join, their teams follow.",
            "when": When.RECURRING,
            "recurrence": "monthly",
            "send_at": soon + timedelta(days=3),
        },
        {
            "subject": "New in the catalog for your job",
            "body": "Something new was added that fits your work: {{ catalog_link }}",
            "audience": EVERYONE,
            "channels": ["in_app", "email"],
            "reason": "A relevant offer only helps when people hear about it.",
            "when": When.TRIGGER,
            "trigger": Trigger.ITEM_ADDED,
        },
        {  # still a draft: nobody wrote down why yet, so the plan cannot be activated
            "subject": "Share what you learned",
            "body": "Tell your colleagues about a course you followed.",
            "audience": EVERYONE,
            "channels": ["in_app"],
            "reason": "",
            "when": When.AT,
            "send_at": soon + timedelta(days=21),
        },
    ]
    for fields in messages:
        existing = Message.objects.filter(plan=plan, parent=None, subject=fields["subject"]).first()
        services.plan_message_save(plan=plan, message=existing, **fields)

    people = {e.user.username: e for e in Employee.objects.filter(user__username__in=["hr", "manager", "employee"])}
    notes = [
        (
            "demo.welcome",
            "Welcome to Leerborg",
            "Your learning budget, the catalog and the learning moments in one place.",
            "/",
        ),
        (
            "demo.preferences",
            "Choose what you receive",
            "Set per channel which messages reach you.",
            "/comms/preferences/",
        ),
        ("demo.catalog", "New courses this month", "Five new e-learnings were added to the catalog.", "/catalog/"),
    ]
    for key, subject, body, link in notes:
        message = services.system_message_upsert(key=key, subject=subject, body=body, link=link, category="plan")
        Message.objects.filter(pk=message.pk).update(channels=["in_app"])
        message.channels = ["in_app"]
        services.message_send(message=message, employee_ids=[e.pk for e in people.values()])


def history_deliveries(*, key: str, subject: str, body: str, sent_at, rows) -> int:
    """Demo history for monitoring's demo step: one in-app message (found or made by `key` through
    the delivery service) sent at `sent_at`, with its deliveries written in bulk; `rows` are
    (employee_id, opened). Nothing when the message already has deliveries."""
    message = services.system_message_upsert(key=key, subject=subject, body=body, category="plan")
    if message.deliveries.exists():
        return 0
    batch = [
        Delivery(
            message=message,
            employee_id=employee_id,
            channel="in_app",
            status=Delivery.Status.SENT,
            attempts=1,
            created_at=sent_at,
            sent_at=sent_at,
            opened_at=sent_at + timedelta(hours=3) if opened else None,
        )
        for employee_id, opened in rows
    ]
    return len(Delivery.objects.bulk_create(batch, batch_size=2000))
