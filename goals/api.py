"""The goals API under /api/v1/goals/ (`reporting:read`, and L&D staff): each goal with its status,
baseline, target, current value (the latest snapshot) and history (every transition); one goal
adds its progress, snapshot by snapshot, beside the straight path to the target."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from .models import Goal, GoalTransition
from .selectors import goal_progress, goals_visible_to, latest_values


class ByIdPagination(CursorPagination):
    ordering = "-pk"


class TransitionSerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField()

    class Meta:
        model = GoalTransition
        fields = ["from_status", "to_status", "at", "by", "comment", "figure"]

    def get_by(self, obj) -> str | None:
        """The person's name; null when the system took the step (at the deadline)."""
        return obj.by.full_name if obj.by_id else None


class GoalSerializer(serializers.ModelSerializer):
    audience = serializers.CharField(source="audience_label", help_text="The audience in words")
    audience_kind = serializers.CharField()
    department = serializers.IntegerField(source="audience_department_id", allow_null=True)
    job_group = serializers.IntegerField(source="audience_job_group_id", allow_null=True)
    owner = serializers.CharField(source="owner.full_name")
    sponsor = serializers.CharField(source="sponsor.full_name")
    current = serializers.SerializerMethodField()
    history = TransitionSerializer(source="transitions", many=True)
    surveys = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "title",
            "why",
            "status",
            "metric",
            "audience",
            "audience_kind",
            "department",
            "job_group",
            "baseline",
            "baseline_on",
            "target",
            "deadline",
            "current",
            "at_risk",
            "final_value",
            "owner",
            "sponsor",
            "surveys",
            "history",
        ]

    def get_current(self, obj) -> str | None:
        """The latest snapshot of the metric for the audience since the baseline; null before."""
        value = self.context["current"].get(obj.pk)
        return None if value is None or obj.baseline_on is None else str(value)


class ProgressPointSerializer(serializers.Serializer):
    day = serializers.DateField()
    actual = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    expected = serializers.DecimalField(
        max_digits=14, decimal_places=4, help_text="On the straight path from baseline to target"
    )


class GoalDetailSerializer(GoalSerializer):
    progress = ProgressPointSerializer(many=True, source="progress_points")
    projected = serializers.DecimalField(
        max_digits=14,
        decimal_places=4,
        allow_null=True,
        source="projected_value",
        help_text="Where the trend arrives at the deadline; null without enough snapshots",
    )

    class Meta(GoalSerializer.Meta):
        fields = [*GoalSerializer.Meta.fields, "progress", "projected"]


class GoalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    capability = "goals.api"
    serializer_class = GoalSerializer
    pagination_class = ByIdPagination

    def get_queryset(self):
        return goals_visible_to(self.request.user).prefetch_related("transitions__by", "surveys")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "current": latest_values(page)}
        return self.get_paginated_response(GoalSerializer(page, many=True, context=context).data)

    @extend_schema(responses=GoalDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        goal = self.get_object()
        progress = goal_progress(goal)
        goal.progress_points = progress.points
        goal.projected_value = progress.projected
        context = {**self.get_serializer_context(), "current": {goal.pk: progress.current}}
        return Response(GoalDetailSerializer(goal, context=context).data)


def register(router, urlpatterns):
    router.register("goals", GoalViewSet, basename="goal")
