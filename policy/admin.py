from django.contrib import admin

from .models import Attendance, LearningMoment, LearningTimePolicy, OccurrenceOverride, ReminderRun


@admin.register(LearningMoment)
class LearningMomentAdmin(admin.ModelAdmin):
    list_display = ["title", "scope_kind", "rrule", "start_time", "timezone", "ends_on", "active"]
    list_filter = ["scope_kind", "active"]
    search_fields = ["title"]


@admin.register(OccurrenceOverride)
class OccurrenceOverrideAdmin(admin.ModelAdmin):
    list_display = ["moment", "original_start", "cancelled", "new_start"]


@admin.register(LearningTimePolicy)
class LearningTimePolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "scope_kind", "hours_per_fte", "period"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["moment", "occurrence_start", "employee", "minutes"]
    raw_id_fields = ["employee"]


@admin.register(ReminderRun)
class ReminderRunAdmin(admin.ModelAdmin):
    list_display = ["moment", "occurrence_start", "offset_minutes", "status", "recipients", "claimed_at", "finished_at"]
    list_filter = ["status"]
