"""The adoption API under /api/v1/programmes/ (`reporting:read`, and L&D staff): each programme with
its cycles, the current cycle's checklist (six steps, what is open) and its four barrier lights,
and per barrier metric the pilot's and the comparison group's figures with the difference of their
changes. The same selectors as the pages, a fixed number of queries per page."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from .models import Programme
from .selectors import figures_kept, programme_rows, programmes_visible_to, stage_of


class ByIdPagination(CursorPagination):
    ordering = "-pk"


class CycleSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    stage = serializers.CharField()
    reviewed_on = serializers.DateField(allow_null=True)


class StepSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    done = serializers.BooleanField()
    applies = serializers.BooleanField()
    lines = serializers.ListField(child=serializers.CharField(), help_text="What is open, or what is in place")


class ChangeSerializer(serializers.Serializer):
    metric = serializers.CharField()
    pilot_start = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    pilot_now = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    comparison_start = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    comparison_now = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    effect = serializers.DecimalField(
        max_digits=14, decimal_places=4, allow_null=True, help_text="The pilot's change minus the comparison group's"
    )
    verdict = serializers.CharField(help_text="better, worse, same, or empty without figures")


class LightSerializer(serializers.Serializer):
    barrier = serializers.IntegerField()
    light_start = serializers.CharField()
    light_now = serializers.CharField()
    verdict = serializers.CharField()
    changes = ChangeSerializer(many=True)


class ProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    audience = serializers.CharField(help_text="The pilot audience in words")
    audience_kind = serializers.CharField()
    department = serializers.IntegerField(allow_null=True)
    job_group = serializers.IntegerField(allow_null=True)
    comparison_department = serializers.IntegerField(allow_null=True, help_text="null: the rest of the organisation")
    owner = serializers.CharField()
    sponsor = serializers.CharField(allow_null=True)
    stage = serializers.CharField()
    steps_done = serializers.IntegerField()
    cycles = CycleSerializer(many=True)
    checklist = StepSerializer(many=True)
    lights = LightSerializer(many=True)


def _shape(row, today) -> dict:
    p = row.programme
    return {
        "id": p.pk,
        "name": p.name,
        "audience": p.audience_label,
        "audience_kind": p.audience_kind,
        "department": p.audience_department_id,
        "job_group": p.audience_job_group_id,
        "comparison_department": p.comparison_department_id,
        "owner": p.owner.full_name,
        "sponsor": p.sponsor.full_name if p.sponsor_id else None,
        "stage": row.stage,
        "steps_done": row.done,
        "cycles": [
            {
                "number": c.number,
                "starts_on": c.starts_on,
                "ends_on": c.ends_on,
                "stage": stage_of(c, today),
                "reviewed_on": c.review.held_on if hasattr(c, "review") else None,
            }
            for c in p.cycles.all()
        ],
        "checklist": [
            {"number": s.number, "title": s.title, "done": s.done, "applies": s.applies, "lines": s.lines}
            for s in row.steps
        ],
        "lights": [
            {
                "barrier": e.barrier.number,
                "light_start": e.light_start,
                "light_now": e.light_now,
                "verdict": e.verdict,
                "changes": [
                    {
                        "metric": c.metric.name,
                        "pilot_start": c.pilot_start,
                        "pilot_now": c.pilot_now,
                        "comparison_start": c.comparison_start,
                        "comparison_now": c.comparison_now,
                        "effect": c.effect,
                        "verdict": c.verdict,
                    }
                    for c in e.changes
                ],
            }
            for e in row.effects
        ],
    }


class ProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    capability = "adoption.api"
    serializer_class = ProgrammeSerializer
    pagination_class = ByIdPagination
    queryset = Programme.objects.none()  # the schema's model; requests read get_queryset

    def get_queryset(self):
        return programmes_visible_to(self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        today = timezone.localdate()
        data = [_shape(row, today) for row in programme_rows(list(page), today=today, kept=figures_kept(today=today))]
        return self.get_paginated_response(ProgrammeSerializer(data, many=True).data)

    @extend_schema(responses=ProgrammeSerializer)
    def retrieve(self, request, *args, **kwargs):
        programme = self.get_object()
        today = timezone.localdate()
        row = programme_rows([programme], today=today, kept=figures_kept(today=today))[0]
        return Response(ProgrammeSerializer(_shape(row, today)).data)


def register(router, urlpatterns):
    router.register("programmes", ProgrammeViewSet, basename="programme")
