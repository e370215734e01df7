"""The catalog's part of a person's data: enrolments, the learning profile, catalog visits."""

from django.utils.translation import gettext_lazy as _

from people.privacy import model_rows
from people.registry import PersonalData, registry

from .models import CatalogVisit, Enrolment, LearningProfile


def collect(employee) -> list[dict]:
    enrolments = Enrolment.objects.filter(employee=employee).select_related("item", "session", "decided_by")
    rows = model_rows(
        enrolments,
        ["status", "requested_at", "motivation", "decided_at", "decision_comment", "started_at", "completed_at"],
        extra={_("Training"): lambda e: e.title, _("Rating"): lambda e: e.rating},
    )
    profile = LearningProfile.objects.filter(employee=employee).prefetch_related("needs").first()
    if profile is not None:
        rows.append(
            {
                str(_("What I want to learn")): [s.name for s in profile.needs.all()],
                str(_("Preferred formats")): profile.preferred_formats,
            }
        )
    visits = CatalogVisit.objects.filter(employee=employee).count()
    if visits:
        rows.append({str(_("Days you visited the catalog")): visits})
    return rows


def erase(employee) -> None:
    """Their own words go; the enrolments stay (the ledger and the uptake figures count them)."""
    Enrolment.objects.filter(employee=employee).update(motivation="", decision_comment="", routing_note="")
    LearningProfile.objects.filter(employee=employee).delete()
    CatalogVisit.objects.filter(employee=employee).delete()


def register() -> None:
    registry.add_personal_data(PersonalData("catalog", _("Enrolments and learning profile"), collect, erase, order=20))
