"""L&D staff manage the offer here: items with their sessions, mandatory rules, the skills each job
group needs and the approval threshold. Enrolments are shown, but change only through the pages."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from people.audience import AUDIENCE_RELATED

from .models import CatalogSettings, Enrolment, JobGroupSkill, LearningItem, MandatoryRule, Session, Skill


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


class MandatoryRuleInline(admin.TabularInline):
    model = MandatoryRule
    extra = 0
    autocomplete_fields = ["audience_department", "audience_job_group", "audience_manager"]


@admin.register(LearningItem)
class LearningItemAdmin(admin.ModelAdmin):
    list_display = ["title", "format", "provider", "language", "duration_hours", "cost", "active"]
    list_filter = [
        "active",
        "format",
        "language",
        "delivery",
        "level_basic",
        "level_secondary",
        "level_bachelor",
        "level_master",
    ]
    search_fields = ["title", "provider", "provider_key"]
    filter_horizontal = ["skills"]
    inlines = [SessionInline, MandatoryRuleInline]
    fieldsets = [
        (None, {"fields": ["title", "description", "format", "skills", "active"]}),
        (
            _("Who it suits"),
            {"fields": ["level_basic", "level_secondary", "level_bachelor", "level_master", "language"]},
        ),
        (_("Practicalities"), {"fields": ["duration_hours", "cost", "delivery", "url"]}),
        (_("Provider"), {"fields": ["provider", "provider_key"]}),
    ]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(JobGroupSkill)
class JobGroupSkillAdmin(admin.ModelAdmin):
    list_display = ["job_group", "skill"]
    list_filter = ["job_group"]
    autocomplete_fields = ["job_group", "skill"]
    list_select_related = ["job_group", "skill"]


@admin.register(MandatoryRule)
class MandatoryRuleAdmin(admin.ModelAdmin):
    list_display = ["item", "audience_label", "starts_on", "due_days", "renewal_months", "active"]
    list_filter = ["audience_kind", "active"]
    autocomplete_fields = ["item", "audience_department", "audience_job_group", "audience_manager"]
    list_select_related = ["item", *AUDIENCE_RELATED]


@admin.register(CatalogSettings)
class CatalogSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "approval_threshold"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CatalogSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    """Read-only: approvals, cancellations and completions go through the services (and budgets)."""

    list_display = ["employee", "title", "status", "requested_at", "routed_to_ld"]
    list_filter = ["status", "routed_to_ld", "source"]
    search_fields = ["employee__last_name", "employee__first_name", "item__title", "external_title"]
    list_select_related = ["employee", "item"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
