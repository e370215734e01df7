"""REST API of the hris app: departments, job groups and employees, and the bulk sync."""

import hashlib

import django_filters
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from people import services as people_services
from people.guards import InputRefused, SafeJSONParser, load_json, to_utc
from people.models import Department, Employee, JobGroup

from . import services
from .authentication import audit_summary
from .models import ApiClient, IdempotencyRecord
from .serializers import (
    DepartmentSerializer,
    EmployeeSerializer,
    JobGroupSerializer,
    SyncRequestSerializer,
    SyncResultSerializer,
)
from .sync import SyncRejected, hris_sync, sync_lock


class IdCursorPagination(CursorPagination):
    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        if len(raw) > 1 or not raw[0].isdigit() or not 1 <= int(raw[0]) <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [_("An integer from 1 to %(max)d.") % {"max": self.max_page_size}]}
            )
        return int(raw[0])


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """ISO 8601 with any offset Python reads, handed to the database in UTC (people.guards.to_utc)."""

    def to_python(self, value):
        return to_utc(super().to_python(value))


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField

    def __init__(self, **kwargs):
        super().__init__(field_name="updated_at", lookup_expr="gte", **kwargs)


class EmployeeFilter(django_filters.FilterSet):
    department = django_filters.NumberFilter(field_name="department_id")
    job_group = django_filters.NumberFilter(field_name="job_group_id")
    manager = django_filters.NumberFilter(field_name="manager_id")
    active = django_filters.BooleanFilter()
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Employee
        fields = ["department", "job_group", "manager", "active", "updated_since"]


class DepartmentFilter(django_filters.FilterSet):
    parent = django_filters.NumberFilter(field_name="parent_id")
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Department
        fields = ["parent", "updated_since"]


class JobGroupFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = JobGroup
        fields = ["updated_since"]


def _django_errors(exc: DjangoValidationError):
    return exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}


EXTERNAL_ID = OpenApiParameter("external_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The HRIS key.")


class PeopleResourceViewSet(GenericViewSet):
    """List, retrieve, create and update, by id or by HRIS key; reads need `hris.read`, writes
    `hris:write`. Every write goes through people.services (employees_changed is sent there)."""

    pagination_class = IdCursorPagination
    lookup_value_regex = "[^/]+"
    save = None  # the service function

    @property
    def capability(self):
        return "hris.read" if self.request.method in SAFE_METHODS else "hris.write"

    def get_object(self):
        value = self.kwargs.get("pk")
        if not str(value).isdigit():
            from django.http import Http404

            raise Http404
        return super().get_object()

    def _write(self, instance, data, partial):
        serializer = self.get_serializer(instance, data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        try:
            obj = type(self).save(instance, serializer.validated_data)
        except services.Conflict as exc:
            return Response(exc.errors, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            raise ValidationError(_django_errors(exc)) from exc
        audit_summary(self.request, f"{'created' if instance is None else 'updated'} {obj._meta.model_name} {obj.pk}")
        return Response(
            self.get_serializer(obj).data, status=status.HTTP_201_CREATED if instance is None else status.HTTP_200_OK
        )

    def list(self, request):
        empty = sorted(
            name
            for name in self.filterset_class.base_filters
            if name in request.query_params and not request.query_params[name]
        )
        if empty:
            raise ValidationError({name: [_("This value may not be empty.")] for name in empty})
        problems = {}
        for name in self.filterset_class.base_filters:
            values = request.query_params.getlist(name)
            if len(values) > 1:
                problems[name] = [_("Give this filter once.")]
            elif (
                isinstance(self.filterset_class.base_filters[name], django_filters.BooleanFilter)
                and values
                and values[0] not in ("true", "false")
            ):
                problems[name] = [_("Either true or false.")]
        if problems:
            raise ValidationError(problems)
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request):
        return self._write(None, request.data, partial=False)

    def update(self, request, pk=None):
        return self._write(self.get_object(), request.data, partial=False)

    def partial_update(self, request, pk=None):
        return self._write(self.get_object(), request.data, partial=True)

    @extend_schema(parameters=[EXTERNAL_ID])
    @action(detail=False, methods=["get", "put", "patch"], url_path="by-external-id/(?P<external_id>[^/]+)")
    def by_external_id(self, request, external_id=None):
        """Address a department, job group or employee by its HRIS key."""
        if "\x00" in external_id:  # no key holds it, and PostgreSQL refuses it in a query
            raise Http404
        instance = get_object_or_404(self.get_queryset(), external_id=external_id)
        if request.method == "GET":
            return Response(self.get_serializer(instance).data)
        return self._write(instance, request.data, partial=request.method == "PATCH")


class DepartmentViewSet(PeopleResourceViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter

    @staticmethod
    def save(instance, data):
        return services.department_save(department=instance, data=data)


class JobGroupViewSet(PeopleResourceViewSet):
    queryset = JobGroup.objects.all()
    serializer_class = JobGroupSerializer
    filterset_class = JobGroupFilter

    @staticmethod
    def save(instance, data):
        return services.job_group_save(job_group=instance, data=data)


class EmployeeViewSet(PeopleResourceViewSet):
    queryset = Employee.objects.all()
    serializer_class = EmployeeSerializer
    filterset_class = EmployeeFilter

    @staticmethod
    def save(instance, data):
        return services.employee_save(employee=instance, data=data)

    @extend_schema(request=None, responses=EmployeeSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        employee = self.get_object()
        changed = people_services.employee_deactivate(employee=employee)
        audit_summary(request, f"deactivated employee {employee.pk}" if changed else "already inactive")
        return Response(self.get_serializer(employee).data)


IDEMPOTENCY_KEY_MAX = 200  # the column's length: a longer key is refused, never cut (two could collide)


def _error(status_code, path, code, message):
    return Response({"errors": [{"path": path, "code": code, "message": message}]}, status=status_code)


class SyncView(APIView):
    """Bulk sync: the whole payload is validated first; any problem rejects it all (400)."""

    capability = "hris.write"
    # The view reads the raw body itself (people.guards.load_json); the parser only tells the schema
    # that the body is JSON (request.data is never read here).
    parser_classes = [SafeJSONParser]
    body_limit_setting = "HRIS_SYNC_MAX_BYTES"  # people.guards.RequestGuardMiddleware

    @extend_schema(
        request=SyncRequestSerializer,
        responses={
            200: SyncResultSerializer,
            413: OpenApiResponse(description="The body is larger than HRIS_SYNC_MAX_BYTES."),
            415: OpenApiResponse(description="The body is not sent as application/json."),
        },
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Retries with the same key return the first result without a second effect.",
            )
        ],
    )
    def post(self, request):
        if request.content_type != "application/json":
            message = _("Send the body as application/json.")
            return _error(415, "Content-Type", "unsupported_media_type", message)
        limit = settings.HRIS_SYNC_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return _error(413, "", "too_large", _("The body is larger than %(limit)d bytes.") % {"limit": limit})
        raw = request._request.read(limit + 1)
        if len(raw) > limit:
            return _error(413, "", "too_large", _("The body is larger than %(limit)d bytes.") % {"limit": limit})
        try:
            payload = load_json(raw)
        except InputRefused as exc:
            return Response({"detail": str(exc.detail), "errors": exc.errors}, status=400)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX:
            message = _("An Idempotency-Key has at most %(max)d characters.") % {"max": IDEMPOTENCY_KEY_MAX}
            return _error(400, "Idempotency-Key", "too_long", message)
        client = getattr(request.user, "client", None)
        digest = hashlib.sha256(raw).hexdigest()
        with transaction.atomic():
            if key and isinstance(client, ApiClient):
                sync_lock()  # a concurrent retry waits here and then finds the first result
                record = IdempotencyRecord.objects.filter(client=client, key=key).first()
                if record is not None:
                    if record.request_hash != digest:
                        return _error(
                            409, "", "idempotency_key_reused", _("This Idempotency-Key was used for another body.")
                        )
                    audit_summary(request, f"replayed idempotency key {key}")
                    response = Response(record.response, status=record.status)
                    response["Idempotent-Replayed"] = "true"
                    return response
            try:
                body, code = hris_sync(payload=payload), 200
                summary = ", ".join(
                    f"{section} {counts['created']}+ {counts['updated']}~"
                    for section, counts in body.items()
                    if isinstance(counts, dict)
                )
            except SyncRejected as exc:
                body, code = {"errors": exc.errors}, 400
                summary = f"rejected: {len(exc.errors)} problem(s)"
            if key and isinstance(client, ApiClient):
                IdempotencyRecord.objects.create(
                    client=client, key=key, request_hash=digest, status=code, response=body
                )
        audit_summary(request, f"sync {'(dry run) ' if body.get('dry_run') else ''}{summary}")
        return Response(body, status=code)


def register(router, urlpatterns):
    """Add this app's viewsets to the /api/v1/ router and its extra paths to urlpatterns."""
    from django.urls import path

    router.register("departments", DepartmentViewSet, basename="departments")
    router.register("job-groups", JobGroupViewSet, basename="job-groups")
    router.register("employees", EmployeeViewSet, basename="employees")
    urlpatterns.append(path("hris/sync", SyncView.as_view(), name="hris-sync"))
