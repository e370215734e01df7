"""The surveys API under /api/v1/surveys/ (`reporting:read`, and people by their role): closed
surveys and their results, under the same anonymity rules as the pages (`surveys.results`)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from .access import group_filter
from .anonymity import Group
from .models import Survey
from .results import results_view
from .selectors import BREAKDOWNS, survey_figures, surveys_visible_to


class ByIdPagination(CursorPagination):
    ordering = "-pk"


class SurveySerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="display_title")

    class Meta:
        model = Survey
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "anonymous",
            "min_group_ratings",
            "min_group_comments",
            "closes_at",
            "closed_at",
            "published_at",
            "publication_note",
        ]


class QuestionFiguresSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk")
    text = serializers.CharField(source="question.display_text")
    kind = serializers.CharField(source="question.kind")
    respondents = serializers.IntegerField()
    mean = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    nps = serializers.IntegerField(allow_null=True)
    distribution = serializers.SerializerMethodField()

    def get_distribution(self, obj) -> list[dict]:
        return [{"label": label, "people": people, "share": share} for label, people, share in obj.distribution()]


class GroupFiguresSerializer(serializers.Serializer):
    group = serializers.SerializerMethodField()
    label = serializers.CharField()
    respondents = serializers.IntegerField()
    questions = serializers.SerializerMethodField()

    def get_group(self, obj) -> dict:
        return {"department": obj.group.department_id, "job_group": obj.group.job_group_id, "side": obj.group.side}

    def get_questions(self, obj) -> list[dict]:
        shown = [f for pk, f in obj.questions.items() if pk not in obj.hidden_questions]
        return QuestionFiguresSerializer(shown, many=True).data


class BarrierScoreSerializer(serializers.Serializer):
    barrier = serializers.IntegerField()
    employees = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    managers = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    gap = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class ResultsSerializer(serializers.Serializer):
    survey = SurveySerializer()
    shown = serializers.BooleanField(help_text="False when the group asked for is hidden to protect anonymity.")
    selected = GroupFiguresSerializer(allow_null=True)
    breakdown = GroupFiguresSerializer(many=True)
    hidden = serializers.IntegerField(help_text="Groups of the breakdown held back.")
    gap = BarrierScoreSerializer(many=True)
    comments = serializers.ListField(child=serializers.CharField(), allow_null=True)


class ResultsQuerySerializer(serializers.Serializer):
    department = serializers.IntegerField(required=False, min_value=1)
    job_group = serializers.IntegerField(required=False, min_value=1)
    side = serializers.ChoiceField(choices=["employees", "managers"], required=False)
    by = serializers.ChoiceField(choices=list(BREAKDOWNS), required=False)


class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    capability = "surveys.results"
    serializer_class = SurveySerializer
    pagination_class = ByIdPagination

    def get_queryset(self):
        return surveys_visible_to(self.request.user).filter(status="closed")

    @extend_schema(
        parameters=[
            OpenApiParameter("department", int),
            OpenApiParameter("job_group", int),
            OpenApiParameter("side", str, enum=["employees", "managers"]),
            OpenApiParameter("by", str, enum=list(BREAKDOWNS)),
        ],
        responses=ResultsSerializer,
    )
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """The figures of one group and its breakdown: only groups that anonymity allows."""
        survey = self.get_object()
        query = ResultsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        group = Group(q.get("department"), q.get("job_group"), q.get("side", ""))
        view = results_view(
            survey, survey_figures(survey), group=group, by=q.get("by", ""), allowed=group_filter(request.user, survey)
        )
        data = {
            "survey": survey,
            "shown": view.selected is not None,
            "selected": view.selected,
            "breakdown": view.breakdown,
            "hidden": view.hidden,
            "gap": list(view.gap),
            "comments": view.comments,
        }
        return Response(ResultsSerializer(data).data)


def register(router, urlpatterns):
    router.register("surveys", SurveyViewSet, basename="survey")
