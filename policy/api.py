"""REST API endpoints of the policy app: my upcoming learning moments (read-only)."""

from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from people.access import roles_of


class OccurrenceSerializer(serializers.Serializer):
    moment_id = serializers.IntegerField()
    title = serializers.CharField(source="moment.title")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    moved = serializers.BooleanField()
    occurrence = serializers.CharField(source="key")


class MyMomentsView(APIView):
    """The next occurrence of each learning moment in the signed-in employee's scope."""

    capability = "policy.view_own"
    serializer_class = OccurrenceSerializer

    def get(self, request):
        from .selectors import my_moment_cards

        cards = [c for c in my_moment_cards(employee=roles_of(request.user).employee) if c.next]
        return Response(OccurrenceSerializer([c.next for c in cards], many=True).data)


def register(router, urlpatterns):
    """Add this app's viewsets to the /api/v1/ router and its extra paths to urlpatterns."""
    from django.urls import path

    urlpatterns.append(path("moments/mine/", MyMomentsView.as_view(), name="my_moments"))
