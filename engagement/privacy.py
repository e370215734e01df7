"""Engagement's part of a person's data: their activity and points, thank-yous and badges, their
stories, nominations, ambassadorships and the learning needs they dropped. Erasure takes their own
words (stories, withdrawn from the pages; ideas); the activity ledger is append-only and stays
(counts, without a name), and a name typed into a message is replaced by the erasure's sweep
(people.privacy)."""

from django.utils.translation import gettext_lazy as _

from people.privacy import ERASED, Money, model_rows
from people.registry import PersonalData, registry

from .models import Activity, Ambassadorship, Need, Nomination, Reward, Story, StoryState


def collect(employee) -> list[dict]:
    rows = model_rows(
        Activity.objects.filter(employee=employee).order_by("occurred_at", "pk"),
        ["kind", "occurred_at", "points", "outcome", "label"],
    )
    rows += model_rows(
        Reward.objects.filter(employee=employee).select_related("by").order_by("pk"),
        ["by", "message", "badge"],
        extra={_("Extra budget"): lambda r: Money(r.amount) if r.amount is not None else None},
    )
    rows += model_rows(Nomination.objects.filter(nominee=employee).order_by("pk"), ["reason", "status"])
    rows += model_rows(
        Ambassadorship.objects.filter(employee=employee).order_by("invited_at"), ["status", "invited_at", "ended_at"]
    )
    rows += model_rows(
        Story.objects.filter(writer=employee).select_related("item").order_by("pk"),
        ["item", "effect", "text", "quote_with_name", "state", "published_at"],
    )
    rows += model_rows(Need.objects.filter(author=employee).order_by("pk"), ["text"])
    return rows


def erase(employee) -> None:
    """Their own words go: a story is withdrawn and emptied, an idea emptied (groups count it)."""
    Story.objects.filter(writer=employee).update(text=ERASED, reason="", state=StoryState.WITHDRAWN)
    Need.objects.filter(author=employee).update(text=ERASED)


def register() -> None:
    registry.add_personal_data(
        PersonalData("engagement", _("Activity, thank-yous, stories and ideas"), collect, erase, order=80)
    )
