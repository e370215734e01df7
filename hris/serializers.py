"""The people serializers of the HRIS API (strict fields from people.api: a number is no string)."""

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError

from people.api import (
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictModelSerializer,
)
from people.models import EMPLOYEE_FIELDS, MAX_FTE, Department, Employee, JobGroup


@extend_schema_field({"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 1.5})
class FteField(serializers.Field):
    """FTE as a JSON number (above 0, at most 1.5, two decimals)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise ValidationError(_("Expected a number."), code="invalid_type")
        value = Decimal(str(data))
        if not value.is_finite() or not (0 < value <= MAX_FTE):  # NaN and Infinity: JSON as Python reads it
            raise ValidationError(_("FTE must be above 0 and at most 1.5."), code="out_of_range")
        if value != value.quantize(Decimal("0.01")):
            raise ValidationError(_("FTE has at most two decimals."), code="invalid")
        return value.quantize(Decimal("0.01"))

    def to_representation(self, value):
        return float(value)


class DepartmentSerializer(StrictModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "external_id", "name", "parent", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"external_id": {"validators": []}}


class JobGroupSerializer(StrictModelSerializer):
    class Meta:
        model = JobGroup
        fields = ["id", "external_id", "name", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"external_id": {"validators": []}}


class EmployeeSerializer(StrictModelSerializer):
    fte = FteField(required=False)

    class Meta:
        model = Employee
        fields = ["id", *EMPLOYEE_FIELDS, "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"external_id": {"validators": []}}


# --- bulk sync: one row of the payload, validated by these (hris.sync has a fast path that a test
# proves equal to them) ------------------------------------------------------------------------


class UnknownFieldsRefused(serializers.Serializer):
    """A row with a field the serializer does not know is refused (code `unknown_field`)."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        try:
            value = super().to_internal_value(data)
        except ValidationError as exc:
            errors = exc.detail
        else:
            errors = {}
        for name in unknown:
            errors[name] = [ErrorDetail(_("Unknown field."), code="unknown_field")]
        if errors:
            raise ValidationError(errors)
        return value


def _hris_key(required: bool = True) -> StrictCharField:
    """An HRIS key, as the row's own key (required) or as a reference to another row (nullable)."""
    if required:
        return StrictCharField(max_length=100)
    return StrictCharField(max_length=100, required=False, allow_null=True)


class SyncDepartmentSerializer(UnknownFieldsRefused, StrictModelSerializer):
    external_id = _hris_key()
    parent = _hris_key(required=False)

    class Meta:
        model = Department
        fields = ["external_id", "name", "parent"]


class SyncJobGroupSerializer(UnknownFieldsRefused, StrictModelSerializer):
    external_id = _hris_key()

    class Meta:
        model = JobGroup
        fields = ["external_id", "name"]


class SyncEmployeeSerializer(UnknownFieldsRefused, StrictModelSerializer):
    """One employee of the sync: the model's fields, with departments, job groups and managers
    named by their HRIS keys."""

    external_id = _hris_key()
    department = _hris_key(required=False)
    job_group = _hris_key(required=False)
    manager = _hris_key(required=False)
    fte = FteField(required=False)

    class Meta:
        model = Employee
        fields = list(EMPLOYEE_FIELDS)


class SyncRequestSerializer(serializers.Serializer):
    mode = StrictChoiceField(choices=["partial", "full"], required=False)
    dry_run = StrictBooleanField(required=False)
    departments = SyncDepartmentSerializer(many=True, required=False)
    job_groups = SyncJobGroupSerializer(many=True, required=False)
    employees = SyncEmployeeSerializer(many=True, required=False)


class SyncCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class SyncEmployeeCountsSerializer(SyncCountsSerializer):
    deactivated = serializers.IntegerField()


class SyncResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    mode = serializers.CharField()
    departments = SyncCountsSerializer()
    job_groups = SyncCountsSerializer()
    employees = SyncEmployeeCountsSerializer()
