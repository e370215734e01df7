"""REST API of the catalog: learning items (read, and upsert by provider key for providers and HR
systems), mandatory rules (who must complete which item, with the shared audience) and enrolments
(read, and completions reported by an external LMS)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ParseError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from people.api import AudienceSerializer, StrictIntegerField, StrictModelSerializer, api_errors

from . import services
from .imports import items_import
from .models import ITEM_FIELDS, RULE_FIELDS, Enrolment, MandatoryRule
from .selectors import enrolments_visible_to, items_search, mandatory_rules_for_management
from .serializers import CompletionReportSerializer, LearningItemSerializer, LearningItemWriteSerializer
from .services import enrolment_record_completion


class ByIdPagination(CursorPagination):
    ordering = "pk"
    page_size = 100


ErrorSerializer = inline_serializer(
    "CatalogErrors",
    {
        "errors": serializers.ListField(
            child=inline_serializer(
                "CatalogError",
                {"path": serializers.CharField(), "code": serializers.CharField(), "message": serializers.CharField()},
            )
        )
    },
)


class ErrorListMixin:
    """Unparseable JSON answers in the same error shape as every other rejection."""

    def handle_exception(self, exc):
        if isinstance(exc, ParseError):
            errors = getattr(exc, "errors", None) or [{"path": "", "code": "parse_error", "message": str(exc.detail)}]
            return Response({"detail": str(exc.detail), "errors": errors}, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)


class LearningItemViewSet(ErrorListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Learning items. POST upserts a batch by (provider, provider_key): every row is checked
    first; if any is wrong nothing is written and every error is listed."""

    serializer_class = LearningItemSerializer
    pagination_class = ByIdPagination
    capabilities = {"list": "catalog.read_items", "retrieve": "catalog.read_items", "create": "catalog.write_items"}

    def get_queryset(self):
        return items_search(include_inactive=True).order_by("pk")

    @extend_schema(
        request=inline_serializer("ItemImport", {"items": LearningItemWriteSerializer(many=True)}),
        responses={
            200: inline_serializer(
                "ItemImportResult", {"created": serializers.IntegerField(), "updated": serializers.IntegerField()}
            ),
            400: OpenApiResponse(ErrorSerializer),
        },
    )
    def create(self, request):
        data = request.data
        if isinstance(data, dict) and "items" in data:
            rows, prefix = data["items"], "items."
        elif isinstance(data, list):
            rows, prefix = data, ""
        elif isinstance(data, dict) and set(data) <= set(ITEM_FIELDS):
            rows, prefix = [data], ""
        else:
            return Response(
                {
                    "errors": [
                        {"path": "", "code": "invalid", "message": _('Send {"items": [...]} or a list of items.')}
                    ]
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        result = items_import(rows=rows, path_prefix=prefix)
        if result.errors:
            return Response({"errors": result.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": result.created, "updated": result.updated})


class MandatoryRuleSerializer(StrictModelSerializer):
    audience = AudienceSerializer(kinds=MandatoryRule.audience_kinds, help_text="Who must complete the item.")
    due_days = StrictIntegerField(min_value=0, max_value=3650)
    renewal_months = StrictIntegerField(min_value=1, max_value=240, required=False, allow_null=True)

    class Meta:
        model = MandatoryRule
        fields = ["id", "item", "audience", "starts_on", "due_days", "renewal_months", "active", "updated_at"]
        read_only_fields = ["id", "updated_at"]


class MandatoryRuleViewSet(viewsets.ModelViewSet):
    """Mandatory rules: an item that everyone in the rule's audience must complete within `due_days`
    (of the rule coming into force or of being hired), again every `renewal_months` when set.
    Writes go through the catalog's services; bad input is a 400 with field errors and saves nothing."""

    serializer_class = MandatoryRuleSerializer
    pagination_class = ByIdPagination
    capabilities = {
        "list": "catalog.read_rules",
        "retrieve": "catalog.read_rules",
        "create": "catalog.write_items",
        "update": "catalog.write_items",
        "partial_update": "catalog.write_items",
        "destroy": "catalog.write_items",
    }

    def get_queryset(self):
        return mandatory_rules_for_management().order_by("pk")

    def perform_create(self, serializer):
        try:
            serializer.instance = services.mandatory_rule_create(**serializer.validated_data)
        except ValidationError as exc:
            raise serializers.ValidationError(api_errors(exc)) from exc

    def perform_update(self, serializer):
        rule = serializer.instance
        fields = {name: getattr(rule, name) for name in RULE_FIELDS}  # rule.audience is the value
        try:
            services.mandatory_rule_update(rule=rule, **{**fields, **serializer.validated_data})
        except ValidationError as exc:
            raise serializers.ValidationError(api_errors(exc)) from exc

    def perform_destroy(self, instance):
        services.mandatory_rule_delete(rule=instance)


class EnrolmentSerializer(serializers.ModelSerializer):
    employee_external_id = serializers.CharField(source="employee.external_id", read_only=True)
    title = serializers.CharField(read_only=True)
    cost = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "employee",
            "employee_external_id",
            "item",
            "session",
            "title",
            "cost",
            "status",
            "requested_at",
            "decided_at",
            "started_at",
            "completed_at",
            "rating",
            "helped_in_work",
            "invoiced_amount",
            "source",
        ]


class EnrolmentViewSet(ErrorListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Enrolments the caller may see. POST reports a completion from an external LMS (scope
    `lms:write` or `hris:write`): employee by HRIS key, item by id or by provider and key."""

    serializer_class = EnrolmentSerializer
    pagination_class = ByIdPagination
    capabilities = {
        "list": "catalog.read_enrolments",
        "retrieve": "catalog.read_enrolments",
        "create": "catalog.report_completions",
    }

    def get_queryset(self):
        return enrolments_visible_to(self.request.user).order_by("pk")

    @extend_schema(
        request=CompletionReportSerializer,
        responses={200: EnrolmentSerializer, 201: EnrolmentSerializer, 400: OpenApiResponse(ErrorSerializer)},
    )
    def create(self, request):
        report = CompletionReportSerializer(data=request.data if isinstance(request.data, dict) else {})
        if not report.is_valid():
            return _errors(report.errors)
        try:
            enrolment, changed = enrolment_record_completion(**report.validated_data)
        except ValidationError as exc:
            return _errors(exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages})
        except DjangoPermissionDenied as exc:
            return Response({"errors": [{"path": "", "code": "forbidden", "message": str(exc)}]}, status=403)
        return Response(
            EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED if changed else status.HTTP_200_OK
        )


def _errors(detail: dict) -> Response:
    entries = [
        {"path": path, "code": getattr(message, "code", "invalid"), "message": str(message)}
        for path, messages in detail.items()
        for message in messages
    ]
    return Response({"errors": entries}, status=status.HTTP_400_BAD_REQUEST)


def register(router, urlpatterns):
    """Add this app's viewsets to the /api/v1/ router and its extra paths to urlpatterns."""
    router.register("learning-items", LearningItemViewSet, basename="learning-item")
    router.register("mandatory-rules", MandatoryRuleViewSet, basename="mandatory-rule")
    router.register("enrolments", EnrolmentViewSet, basename="enrolment")
