"""The adoption programmes' part of a person's data: programmes they own or sponsor, reviews they
wrote, actions they own and messages they sent as a sponsor. Nothing is erased here (the records
are the organisation's); a name typed into them is replaced by the erasure's sweep."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.privacy import model_rows
from people.registry import PersonalData, registry

from .models import Action, Programme, Review, SponsorMessage


def collect(employee) -> list[dict]:
    rows = model_rows(
        Programme.objects.filter(Q(owner=employee) | Q(sponsor=employee)).select_related("owner", "sponsor"),
        ["name", "owner", "sponsor"],
    )
    rows += model_rows(
        Review.objects.filter(by=employee).order_by("held_on"), ["held_on", "worked", "did_not_work", "decisions"]
    )
    rows += model_rows(Action.objects.filter(owner=employee).order_by("due_on"), ["text", "due_on", "done_at"])
    rows += model_rows(
        SponsorMessage.objects.filter(sender=employee).order_by("sent_at"), ["subject", "body", "sent_at"]
    )
    return rows


def register() -> None:
    registry.add_personal_data(PersonalData("adoption", _("Adoption programmes"), collect, None, order=75))
