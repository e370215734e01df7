from django.contrib import admin

from people.audience import AUDIENCE_RELATED

from .models import Attendance, LearningMoment, LearningTimePolicy, OccurrenceOverride, ReminderRun


@admin.register(LearningMoment)
class LearningMomentAdmin(admin.ModelAdmin):
    list_display = ["title", "audience_label", "rrule", "start_time", "timezone", "ends_on", "active"]
    list_filter = ["audience_kind", "active"]
    list_select_related = AUDIENCE_RELATED
    search_fields = ["title"]


@admin.register(OccurrenceOverride)
class OccurrenceOverrideAdmin(admin.ModelAdmin):
    list_display = ["moment", "original_start", "cancelled", "new_start"]


@admin.register(LearningTimePolicy)
class LearningTimePolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "audience_kind", "hours_per_fte", "period"]
    list_select_related = AUDIENCE_RELATED


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["moment", "occurrence_start", "employee", "minutes"]
    raw_id_fields = ["employee"]


@admin.register(ReminderRun)
class ReminderRunAdmin(admin.ModelAdmin):
    list_display = ["moment", "occurrence_start", "offset_minutes", "status", "recipients", "claimed_at", "finished_at"]
    list_filter = ["status"]
