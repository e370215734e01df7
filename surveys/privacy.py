"""The surveys' part of a person's data: invitations and named answers. Anonymous answers were
never linked to anyone, so they are neither shown here nor touched by erasure."""

from django.utils.translation import gettext_lazy as _

from people.privacy import model_rows
from people.registry import PersonalData, registry

from .models import Answer, Invitation, Response


def collect(employee) -> list[dict]:
    invitations = Invitation.objects.filter(employee=employee).select_related("survey").order_by("invited_on")
    rows = model_rows(invitations, ["survey", "invited_on", "answered"])
    answers = (
        Answer.objects.filter(response__employee=employee)
        .select_related("response__survey", "question")
        .order_by("response__submitted_at", "question__order")
    )
    for answer in answers:
        rows.append(
            {
                str(_("Survey")): str(answer.response.survey),
                str(_("Question")): answer.question.text,
                str(_("Answer")): answer.text or ("" if answer.value is None else str(answer.value)),
            }
        )
    return rows


def erase(employee) -> None:
    """Named answers are removed; invitations stay (response rates count them), without links."""
    Response.objects.filter(employee=employee).delete()


def register() -> None:
    registry.add_personal_data(
        PersonalData("surveys", _("Survey invitations and named answers"), collect, erase, order=60)
    )
