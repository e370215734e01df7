"""Surveys in the admin, every write through the surveys' services: a survey is created and edited
by `survey_create` / `survey_update`, opened and closed by `survey_open` / `survey_close`; its
sections and questions are shown. Once a survey is open, what decides who may be identified
(anonymity, the minimum groups, the breakdowns, the audience) is not even an editable field.

Invitations, responses and answers have no admin at all: who answered what is nobody's to browse,
and an anonymous answer is never shown as a row."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from people.access import roles_of
from people.admin_base import ReadOnlyInline, ServiceAdmin, admin_fields
from people.audience import AUDIENCE_RELATED

from . import services
from .models import Question, Section, Status, Survey
from .services.building import FIXED_WHEN_OPEN

EDITABLE = [
    "title",
    "title_nl",
    "intro",
    "intro_nl",
    "audience",
    "anonymous",
    "min_group_ratings",
    "min_group_comments",
    "breakdown_department_depth",
    "breakdown_job_group",
    "breakdown_side",
    "opens_at",
    "closes_at",
    "reminder_days",
]


class SectionInline(ReadOnlyInline):
    model = Section
    fields = ["order", "title", "title_nl"]


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ["order", "section", "kind", "text", "text_nl", "required", "key", "barrier", "side", "follow_up"]


@admin.register(Survey)
class SurveyAdmin(ServiceAdmin):
    list_display = ["__str__", "kind", "status", "anonymous", "audience_label", "closes_at"]
    list_filter = ["status", "kind", "anonymous"]
    search_fields = ["title", "title_nl"]
    list_select_related = AUDIENCE_RELATED
    autocomplete_fields = ["audience_department", "audience_job_group", "audience_manager"]
    inlines = [SectionInline, QuestionInline]
    fields = ["kind", "status", *admin_fields(EDITABLE), "opened_at", "closed_at", "published_at"]
    actions = ["open_surveys", "close_surveys"]
    service_module = services
    writes = {"update": "survey_update"}
    write_as = "survey"

    def get_readonly_fields(self, request, obj=None):
        fixed = ["kind", "status", "opened_at", "closed_at", "published_at"]
        if obj is None or obj.status == Status.DRAFT:
            return fixed
        if obj.status == Status.CLOSED:
            return self.fields
        return [*fixed, *(f for f in self.fields if f in FIXED_WHEN_OPEN)]

    def service_create(self, request, fields):
        return services.survey_create(created_by=roles_of(request.user).employee, **fields)

    def _each(self, request, queryset, service) -> None:
        done = 0
        for survey in queryset:
            try:
                service(survey=survey)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{survey}: {' '.join(exc.messages)}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)d surveys changed.") % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Open the selected surveys (invitations go out)"))
    def open_surveys(self, request, queryset):
        self._each(request, queryset, services.survey_open)

    @admin.action(description=_("Close the selected surveys"))
    def close_surveys(self, request, queryset):
        self._each(request, queryset, services.survey_close)
