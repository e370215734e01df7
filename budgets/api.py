"""REST API endpoints of the budgets app: every budget for reporting, and the signed-in person's own."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from people.access import roles_of

from .models import Budget
from .rules import budgets_visible_to
from .selectors import budget_for_employee, enrolment_url


class BudgetSerializer(serializers.ModelSerializer):
    employee_external_id = serializers.CharField(source="employee.external_id", read_only=True, allow_null=True)
    employee_name = serializers.CharField(source="employee.full_name", read_only=True)
    department = serializers.CharField(source="employee.department.name", read_only=True, default=None)
    job_group = serializers.CharField(source="employee.job_group.name", read_only=True, default=None)
    available = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = Budget
        fields = [
            "id",
            "employee",
            "employee_external_id",
            "employee_name",
            "department",
            "job_group",
            "period_start",
            "period_end",
            "expires_on",
            "allocated",
            "committed",
            "spent",
            "available",
            "hours_allocated",
            "hours_used",
            "first_viewed_at",
        ]
        read_only_fields = fields


class EntrySerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    kind = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Effect on what is available")
    spent = serializers.DecimalField(max_digits=12, decimal_places=2)
    description = serializers.CharField(source="text", help_text="What happened, in the request's language")
    enrolment_id = serializers.IntegerField(allow_null=True)
    enrolment_url = serializers.SerializerMethodField()

    def get_enrolment_url(self, entry) -> str:
        return enrolment_url(entry.enrolment_id)


class MyBudgetSerializer(BudgetSerializer):
    history = EntrySerializer(many=True, source="entries")

    class Meta(BudgetSerializer.Meta):
        fields = [*BudgetSerializer.Meta.fields, "history"]
        read_only_fields = fields


class BudgetPagination(CursorPagination):
    ordering = ("pk",)


class BudgetListView(generics.ListAPIView):
    """Every budget (L&D staff, or an API client with the `reporting:read` scope), filtered by the
    period containing `on` (default: all periods) and by the employee's HRIS key."""

    capability = "budgets.read_all"
    serializer_class = BudgetSerializer
    pagination_class = BudgetPagination
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("on", OpenApiTypes.DATE, description="Only budgets whose period contains this date"),
            OpenApiParameter("employee_external_id", OpenApiTypes.STR, description="The employee's HRIS key"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = budgets_visible_to(self.request.user).select_related(
            "employee", "employee__department", "employee__job_group"
        )
        on = self.request.query_params.get("on")
        if on is not None:  # present but empty is a bad date too, not "no filter"
            try:
                day = serializers.DateField().to_internal_value(on)
            except serializers.ValidationError as exc:
                raise ValidationError({"on": exc.detail}) from None
            qs = qs.filter(period_start__lte=day, period_end__gte=day)
        external = self.request.query_params.get("employee_external_id")
        if external:
            try:
                external = serializers.CharField().run_validation(external)  # refuses a NUL character
            except serializers.ValidationError as exc:
                raise ValidationError({"employee_external_id": exc.detail}) from None
            qs = qs.filter(employee__external_id=external)
        return qs


class MyBudgetView(APIView):
    """The signed-in employee's current budget with its history."""

    capability = "budgets.view_own"

    @extend_schema(responses=MyBudgetSerializer)
    def get(self, request):
        employee = roles_of(request.user).employee
        budget = budget_for_employee(employee_id=employee.pk, on=timezone.localdate())
        if budget is None:
            raise NotFound("There is no budget for you yet.")
        budget = (
            Budget.objects.select_related("employee__department", "employee__job_group")
            .prefetch_related("entries")
            .get(pk=budget.pk)
        )
        return Response(MyBudgetSerializer(budget).data)


def register(router, urlpatterns):
    """Add this app's viewsets to the /api/v1/ router and its extra paths to urlpatterns."""
    from django.urls import path

    urlpatterns.append(path("budgets/", BudgetListView.as_view(), name="budget-list"))
    urlpatterns.append(path("budgets/me/", MyBudgetView.as_view(), name="budget-me"))
