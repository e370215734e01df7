"""Learning moments and learning-time policies in the admin, written through the policy services;
occurrences, attendance and reminder runs are shown (they change through the pages and tasks)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from people.admin_base import ReadOnlyAdmin, ServiceAdmin, admin_fields
from people.audience import AUDIENCE_RELATED

from . import services
from .models import MOMENT_FIELDS, Attendance, LearningMoment, LearningTimePolicy, OccurrenceOverride, ReminderRun


@admin.register(LearningMoment)
class LearningMomentAdmin(ServiceAdmin):
    list_display = ["title", "audience_label", "recurrence", "timezone", "ends_on", "active"]
    list_filter = ["audience_kind", "active"]
    list_select_related = AUDIENCE_RELATED
    search_fields = ["title"]
    fields = admin_fields(MOMENT_FIELDS)
    # Searches, not drop-downs of every employee (41 s for this page at 50,000 people, issue 21).
    autocomplete_fields = ["audience_department", "audience_job_group", "audience_manager", "host"]
    service_module = services
    writes = {"create": "moment_create", "update": "moment_update"}
    write_as = "moment"

    @admin.display(description=_("recurrence"), ordering="rrule")
    def recurrence(self, moment):
        return moment.in_words


@admin.register(LearningTimePolicy)
class LearningTimePolicyAdmin(ServiceAdmin):
    list_display = ["__str__", "audience_kind", "hours_per_fte", "period"]
    list_select_related = AUDIENCE_RELATED
    fields = admin_fields(services.POLICY_FIELDS)
    autocomplete_fields = ["audience_department", "audience_job_group", "audience_manager"]
    service_module = services
    writes = {"create": "policy_create", "update": "policy_update", "delete": "policy_delete"}
    write_as = "policy"


@admin.register(OccurrenceOverride)
class OccurrenceOverrideAdmin(ReadOnlyAdmin):
    list_display = ["moment", "original_start", "cancelled", "new_start"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["moment", "occurrence_start", "employee", "minutes"]


@admin.register(ReminderRun)
class ReminderRunAdmin(ReadOnlyAdmin):
    list_display = ["moment", "occurrence_start", "offset_minutes", "status", "recipients", "claimed_at", "finished_at"]
    list_filter = ["status"]
