"""Learning time's part of a person's data: attendance, muted moments, the calendar feed."""

from django.utils.translation import gettext_lazy as _

from people.privacy import model_rows
from people.registry import PersonalData, registry

from .models import Attendance, CalendarFeed, MomentMute


def collect(employee) -> list[dict]:
    attendance = Attendance.objects.filter(employee=employee).select_related("moment").order_by("occurrence_start")
    rows = model_rows(attendance, ["moment", "occurrence_start", "minutes", "checked_in_at"])
    rows += model_rows(MomentMute.objects.filter(employee=employee).select_related("moment"), ["moment", "created_at"])
    if CalendarFeed.objects.filter(employee=employee).exists():
        rows.append({str(_("Calendar feed")): str(_("a private link to your learning moments exists"))})
    return rows


def erase(employee) -> None:
    """Attendance stays (hours per policy count it); the private feed and the mutes go."""
    CalendarFeed.objects.filter(employee=employee).delete()
    MomentMute.objects.filter(employee=employee).delete()


def register() -> None:
    registry.add_personal_data(PersonalData("policy", _("Learning moments and attendance"), collect, erase, order=50))
