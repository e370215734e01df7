"""The 5W communication plan: its messages (Who, What, Where, Why, When), activation, and sending
dated, recurring and triggered messages to their audience."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import Employee

from .. import rendering, webhooks
from ..models import (
    Channel,
    CommunicationPlan,
    Message,
    When,
)
from .delivery import message_send

W_LABELS = {
    "who": _("Who (audience)"),
    "what": _("What (subject and text)"),
    "where": _("Where (channels)"),
    "why": _("Why (reason)"),
    "when": _("When (date, recurrence or trigger)"),
}


def plan_save(*, plan: CommunicationPlan | None = None, **fields) -> CommunicationPlan:
    plan = plan or CommunicationPlan()
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    if plan.webhook_url:
        _check_webhook(plan.webhook_url)
    plan.save()
    return plan


def _check_webhook(url: str) -> None:
    """Saving refuses an address the sender would refuse (checked again at each send: a name may
    point elsewhere by then). A name that does not resolve yet may be saved."""
    try:
        host, port, _scheme = webhooks.check_url(url)
        webhooks.resolve(host, port)
    except webhooks.WebhookRefused as exc:
        raise ValidationError({"webhook_url": str(exc)}) from None
    except webhooks.WebhookFailed:
        pass


@transaction.atomic
def plan_message_save(*, plan: CommunicationPlan, message: Message | None = None, **fields) -> Message:
    """Create or change a plan message; unknown placeholders are refused (with the allowed list).
    A message may be saved with W's missing: the plan just cannot be activated then."""
    message = message or Message(plan=plan)
    message.plan = plan
    for name, value in fields.items():
        setattr(message, name, value)
    message.full_clean()
    if Channel.WEBHOOK in (message.channels or []) and not plan.webhook_url:
        raise ValidationError({"channels": _("Add a chat webhook URL to the plan before choosing the chat channel.")})
    message.save()
    if message.missing_ws():
        # An active plan never holds an incomplete message: it goes back to draft, visibly.
        CommunicationPlan.objects.filter(pk=plan.pk, status=CommunicationPlan.Status.ACTIVE).update(
            status=CommunicationPlan.Status.DRAFT
        )
        plan.status = CommunicationPlan.Status.DRAFT
    return message


def plan_incomplete_messages(*, plan: CommunicationPlan) -> list[tuple[Message, list[str]]]:
    return [(m, m.missing_ws()) for m in plan.messages.filter(parent=None) if m.missing_ws()]


@transaction.atomic
def plan_activate(*, plan: CommunicationPlan) -> CommunicationPlan:
    plan = CommunicationPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.messages.filter(parent=None).exists():
        raise ValidationError(_("A plan needs at least one message before it can be activated."))
    incomplete = plan_incomplete_messages(plan=plan)
    if incomplete:
        raise ValidationError(
            [
                _("“%(message)s” lacks: %(missing)s.")
                % {"message": m.subject or _("(no subject)"), "missing": ", ".join(str(W_LABELS[w]) for w in ws)}
                for m, ws in incomplete
            ]
        )
    plan.status = CommunicationPlan.Status.ACTIVE
    plan.activated_at = timezone.now()
    plan.save(update_fields=["status", "activated_at"])
    return plan


def plan_deactivate(*, plan: CommunicationPlan) -> CommunicationPlan:
    CommunicationPlan.objects.filter(pk=plan.pk).update(status=CommunicationPlan.Status.DRAFT)
    plan.status = CommunicationPlan.Status.DRAFT
    return plan


def _occurrence(*, message: Message, key: str) -> Message:
    """The sending of a recurring or triggered message: its own Message, so each sending reaches a
    person once, and a retried trigger or second beat finds the same one by key."""
    occurrence, _created = Message.objects.get_or_create(
        key=key,
        defaults={
            "plan_id": message.plan_id,
            "parent": message,
            "category": message.category,
            "mandatory": message.mandatory,
            "subject": message.subject,
            "body": message.body,
            "link": message.link,
            "channels": message.channels,
            "reason": message.reason,
        },
    )
    return occurrence


def plan_message_send_now(*, message: Message, occurrence_key: str | None = None, employee_ids=None) -> int:
    """Send a plan message to its audience (resolved now), optionally only to some of it."""
    from ..selectors import audience_ids

    target = _occurrence(message=message, key=occurrence_key) if occurrence_key else message
    ids = audience_ids(message)
    if employee_ids is not None:
        wanted = set(employee_ids)
        ids = [i for i in ids if i in wanted]
    created = message_send(message=target, employee_ids=ids)
    Message.objects.filter(pk=message.pk).update(last_sent_at=timezone.now())
    return created


def occurrences_between(message: Message, start, end) -> list:
    return message.send_times(start, end)


def plan_messages_send_due(*, now=None) -> int:
    """Beat: send the dated and recurring messages of active plans whose time has come.

    Each sending is keyed by the message and its scheduled time, so a second beat (or a rerun after
    a crash) finds the same occurrence and the unique deliveries make it a no-op.
    """
    now = now or timezone.now()
    due = Message.objects.filter(
        parent=None,
        plan__status=CommunicationPlan.Status.ACTIVE,
        when__in=[When.AT, When.RECURRING],
        send_at__lte=now,
    ).select_related("plan")
    created = 0
    for message in due:
        since = message.plan.activated_at or message.send_at
        times = occurrences_between(message, min(since, now - timedelta(days=1)), now + timedelta(seconds=1))
        if not times:
            continue
        latest = times[-1]
        if message.when == When.AT:
            if message.last_sent_at:
                continue
            created += plan_message_send_now(message=message)
        else:
            created += plan_message_send_now(message=message, occurrence_key=f"plan:{message.pk}:{latest:%Y%m%d%H%M}")
    return created


def plan_trigger_fire(*, name: str, payload: dict) -> int:
    """A domain event reached us: send the triggered messages of active plans that wait for it."""
    messages = Message.objects.filter(
        parent=None, plan__status=CommunicationPlan.Status.ACTIVE, when=When.TRIGGER, trigger=name
    ).select_related("plan")
    ref = _event_ref(payload)
    only = _event_employee_ids(name, payload)
    created = 0
    for message in messages:
        created += plan_message_send_now(
            message=message, occurrence_key=f"trigger:{message.pk}:{name}:{ref}", employee_ids=only
        )
    return created


def _event_ref(payload: dict) -> str:
    for key in ("item", "survey", "goal", "budget"):
        obj = payload.get(key)
        if obj is not None:
            return f"{key}-{getattr(obj, 'pk', obj)}"
    if payload.get("key"):
        return str(payload["key"])
    return timezone.now().strftime("%Y%m%d")


def _event_employee_ids(name: str, payload: dict):
    """Who the event concerns, when it says so (else the message's whole audience)."""
    if payload.get("employee_ids") is not None:
        return set(payload["employee_ids"])
    for key in ("employee", "employee_id"):
        value = payload.get(key)
        if value is not None:
            return {getattr(value, "pk", value)}
    if name == "catalog.item_added" and payload.get("item") is not None:
        from people.registry import EMPLOYEES_FOR_ITEM, registry

        return set(registry.use(EMPLOYEES_FOR_ITEM)(payload["item"]))
    return None


def message_test_send(*, message: Message, employee: Employee) -> None:
    """Send the message to yourself, now, by e-mail and in the app, outside the plan's reach."""
    from django.core.mail import send_mail

    subject, body, link = rendering.render_message(message, employee)
    if link:
        body += f"\n\n{rendering.absolute(link)}"
    prefix = _("Test")
    send_mail(subject=f"[{prefix}] {subject}", message=body, from_email=None, recipient_list=[employee.email])
