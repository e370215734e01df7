"""REST API endpoints of the comms app: the signed-in employee's notifications."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from people.access import roles_of

from . import rendering, selectors, services
from .models import Delivery


class NotificationSerializer(serializers.ModelSerializer):
    subject = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    category = serializers.CharField(source="message.category")

    class Meta:
        model = Delivery
        fields = ["id", "subject", "body", "link", "category", "created_at", "read_at"]


class NotificationListSerializer(serializers.Serializer):
    unread = serializers.IntegerField()
    results = NotificationSerializer(many=True)


class MarkReadSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, min_value=1, help_text="One notification; without it, all.")


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class NotificationsView(APIView):
    """Your 50 most recent in-app notifications and your unread count."""

    capability = "comms.inbox"

    @extend_schema(responses=NotificationListSerializer)
    def get(self, request):
        employee = roles_of(request.user).employee
        items = rendering.render_for(employee, selectors.notifications_of(employee=employee)[:50])
        return Response(
            {
                "unread": selectors.unread_count(employee=employee),
                "results": NotificationSerializer(items, many=True).data,
            }
        )


class NotificationsReadView(APIView):
    """Mark one of your notifications (or all of them) read."""

    capability = "comms.inbox"

    @extend_schema(request=MarkReadSerializer, responses=MarkedSerializer)
    def post(self, request):
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.notification_mark_read(
            employee=roles_of(request.user).employee, delivery_id=serializer.validated_data.get("id")
        )
        return Response({"marked": marked})


def register(router, urlpatterns):
    from django.urls import path

    urlpatterns.append(path("notifications/", NotificationsView.as_view(), name="notifications"))
    urlpatterns.append(path("notifications/read/", NotificationsReadView.as_view(), name="notifications_read"))
