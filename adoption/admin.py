"""The admin of adoption: a programme is created and changed through adoption's services (the same
rules as the pages: the pilot's kind, the sponsor, the comparison group, the pilot fixed once a
cycle runs); cycles, their frozen figures, reviews, actions and sponsors' messages only show."""

from django.contrib import admin

from people.access import roles_of
from people.admin_base import ReadOnlyAdmin as ReadOnly
from people.admin_base import ReadOnlyInline, ServiceAdmin, admin_fields
from people.audience import AUDIENCE_RELATED

from . import services
from .models import Action, Cycle, CycleFigure, Programme, Review, SponsorMessage

PROGRAMME_FIELDS = ["name", "audience", "sponsor", "comparison_department", "comms_plan", "goals", "surveys", "moments"]


@admin.register(Programme)
class ProgrammeAdmin(ServiceAdmin):
    service_module = services
    writes = {"create": "programme_create", "update": "programme_update"}
    write_as = "programme"
    fields = admin_fields(PROGRAMME_FIELDS)
    list_display = ["name", "audience_label", "owner", "sponsor", "created_at"]
    list_select_related = ["owner", "sponsor", *AUDIENCE_RELATED]
    search_fields = ["name"]
    filter_horizontal = ["goals", "surveys", "moments"]
    # people and departments through the autocomplete: a drop-down of 50,000 people took 4.8 s
    autocomplete_fields = [
        "sponsor",
        "comparison_department",
        "audience_department",
        "audience_job_group",
        "audience_manager",
    ]

    def service_create(self, request, fields: dict):
        return services.programme_create(owner=roles_of(request.user).employee, **fields)


class FigureInline(ReadOnlyInline):
    model = CycleFigure
    fields = ["metric", "group", "value", "numerator", "denominator"]
    readonly_fields = fields


@admin.register(Cycle)
class CycleAdmin(ReadOnly):
    list_display = ["programme", "number", "starts_on", "ends_on"]
    list_select_related = ["programme"]
    inlines = [FigureInline]


@admin.register(Review)
class ReviewAdmin(ReadOnly):
    list_display = ["cycle", "held_on", "by"]
    list_select_related = ["cycle__programme", "by"]


@admin.register(Action)
class ActionAdmin(ReadOnly):
    list_display = ["text", "programme", "owner", "due_on", "done_at"]
    list_select_related = ["programme", "owner"]


@admin.register(SponsorMessage)
class SponsorMessageAdmin(ReadOnly):
    list_display = ["subject", "sender", "goal", "programme", "recipients", "sent_at"]
    list_select_related = ["sender", "goal", "programme"]
