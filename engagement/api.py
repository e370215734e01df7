"""The engagement API under /api/v1/engagement/ (`reporting:read`, and L&D staff): a department's
board for a quarter, with names only of those who opted in, as on the pages and in the export."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from people.models import Department

from .selectors import Quarter, Scope, board


class BoardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField(help_text="The person's name if they opted in, else “a colleague”")
    named = serializers.BooleanField()
    points = serializers.IntegerField()


class BoardSerializer(serializers.Serializer):
    department = serializers.IntegerField()
    period = serializers.CharField(help_text="The quarter, e.g. 2026Q4")
    rows = BoardRowSerializer(many=True)


class DepartmentBoardView(APIView):
    capability = "engagement.api"

    @extend_schema(
        responses=BoardSerializer,
        parameters=[OpenApiParameter("period", str, description="A quarter such as 2026Q4; the current by default")],
    )
    def get(self, request, pk: int):
        department = Department.objects.filter(pk=pk).only("pk", "name").first()
        if department is None:
            raise Http404
        quarter = Quarter.parse(request.query_params.get("period"))
        rows = board(scope=Scope("department", department.pk, department.name), quarter=quarter)
        data = {
            "department": department.pk,
            "period": quarter.key,
            "rows": [{"rank": r.rank, "name": r.name, "named": r.named, "points": r.points} for r in rows],
        }
        return Response(BoardSerializer(data).data)


def register(router, urlpatterns):
    from django.urls import path

    urlpatterns.append(path("engagement/boards/<int:pk>/", DepartmentBoardView.as_view(), name="engagement-board"))
