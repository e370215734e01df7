"""People endpoints of the REST API (the HRIS issue adds the resources an HR system writes to)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .access import roles_of
from .models import Employee


class MeSerializer(serializers.ModelSerializer):
    department = serializers.StringRelatedField()
    job_group = serializers.StringRelatedField()
    manager = serializers.StringRelatedField()

    class Meta:
        model = Employee
        fields = [
            "id",
            "external_id",
            "first_name",
            "last_name",
            "email",
            "department",
            "job_group",
            "manager",
            "education_level",
            "fte",
            "hired_on",
            "locale",
        ]


class MeView(APIView):
    """The signed-in employee's own profile."""

    capability = "profile.view_own"

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(roles_of(request.user).employee).data)


def register(router, urlpatterns):
    from django.urls import path

    urlpatterns.append(path("me/", MeView.as_view(), name="me"))
