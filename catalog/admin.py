"""L&D staff manage the offer here as on the catalog's pages: items (their sessions and mandatory
rules shown with them), skills, mandatory rules and the approval threshold, every write through
the catalog's services. Enrolments and job groups' skills are shown; they change on the pages."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from people.admin_base import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin, money_field
from people.audience import AUDIENCE_RELATED

from . import services
from .models import (
    ITEM_FIELDS,
    LEVELS,
    CatalogSettings,
    Enrolment,
    JobGroupSkill,
    LearningItem,
    MandatoryRule,
    Session,
    Skill,
)


class SessionInline(ReadOnlyInline):
    model = Session
    fields = ["starts_at", "ends_at", "place", "seats", "cancelled_at"]


class MandatoryRuleInline(ReadOnlyInline):
    model = MandatoryRule


@admin.register(LearningItem)
class LearningItemAdmin(ServiceAdmin):
    list_display = ["title", "format", "provider", "language", "duration_hours", "cost_money", "active"]
    cost_money = money_field("cost", _("cost"))
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
    # Items are never deleted (enrolments point at them): they leave the offer.
    actions = ["deactivate"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def service_fields(self, form) -> dict:
        data = form.cleaned_data
        fields = {name: data[name] for name in ITEM_FIELDS if name in data}
        fields["levels"] = [level for level in LEVELS if data.get(f"level_{level}")]
        fields["skills"] = [skill.name for skill in data.get("skills", [])]
        return fields

    service_module = services
    writes = {"create": "item_create", "update": "item_update"}
    write_as = "item"

    @admin.action(description=_("Take the selected items out of the offer"))
    def deactivate(self, request, queryset):
        for item in queryset:
            services.item_deactivate(item=item)


@admin.register(Skill)
class SkillAdmin(ServiceAdmin):
    search_fields = ["name"]

    def service_create(self, request, fields):
        return services.skill_get_or_create(name=fields["name"])

    def service_update(self, request, obj, fields):
        return services.skill_rename(skill=obj, name=fields["name"])


@admin.register(JobGroupSkill)
class JobGroupSkillAdmin(ReadOnlyAdmin):
    """Set on the job groups' skills page (catalog:manage_job_groups), one job group at a time."""

    list_display = ["job_group", "skill"]
    list_filter = ["job_group"]
    list_select_related = ["job_group", "skill"]


@admin.register(MandatoryRule)
class MandatoryRuleAdmin(ServiceAdmin):
    list_display = ["item", "audience_label", "starts_on", "due_days", "renewal_months", "active"]
    list_filter = ["audience_kind", "active"]
    autocomplete_fields = ["item", "audience_department", "audience_job_group", "audience_manager"]
    list_select_related = ["item", *AUDIENCE_RELATED]
    service_module = services
    writes = {
        "create": "mandatory_rule_create",
        "update": "mandatory_rule_update",
        "delete": "mandatory_rule_delete",
    }
    write_as = "rule"


@admin.register(CatalogSettings)
class CatalogSettingsAdmin(ServiceAdmin):
    list_display = ["__str__", "approval_threshold"]
    fields = ["approval_threshold"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CatalogSettings.objects.exists()

    def service_create(self, request, fields):
        return services.catalog_settings_update(**fields)

    def service_update(self, request, obj, fields):
        return services.catalog_settings_update(**fields)


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    """Approvals, cancellations and completions go through the services (and budgets)."""

    list_display = ["employee", "title", "status", "requested_at", "routed_to_ld"]
    list_filter = ["status", "routed_to_ld", "source"]
    search_fields = ["employee__last_name", "employee__first_name", "item__title", "external_title"]
    list_select_related = ["employee", "item"]
    exclude = ["helped_in_work", "external_cost", "invoiced_amount"]
    readonly_fields = ["external_cost_money", "invoiced_money", "helped"]
    external_cost_money = money_field("external_cost", _("cost (EUR)"))
    invoiced_money = money_field("invoiced_amount", _("invoiced (EUR)"))

    @admin.display(description=_("did it help in your work?"))
    def helped(self, enrolment):
        # The admin's own icon for an unanswered yes/no reads "None" to a screen reader.
        return {True: _("Yes"), False: _("No")}.get(enrolment.helped_in_work, "–")
