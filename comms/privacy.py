"""The messages' part of a person's data: every delivery to them and their opt-outs."""

from django.utils.translation import gettext_lazy as _

from people.privacy import model_rows
from people.registry import PersonalData, registry

from .models import Delivery, OptOut


def collect(employee) -> list[dict]:
    deliveries = Delivery.objects.filter(employee=employee).select_related("message").order_by("created_at", "pk")
    rows = model_rows(
        deliveries,
        ["created_at", "channel", "status", "sent_at", "opened_at"],
        extra={_("Subject"): lambda d: d.message.subject},
    )
    rows += model_rows(OptOut.objects.filter(employee=employee), ["channel", "category", "created_at"])
    return rows


def register() -> None:
    registry.add_personal_data(PersonalData("comms", _("Messages sent to you"), collect, None, order=40))
