"""The people serializers of the HRIS API (strict fields from people.api: a number is no string)."""

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from people.api import (
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictEmailField,
    StrictModelSerializer,
)
from people.models import MAX_FTE, Department, Employee, JobGroup


@extend_schema_field({"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 1.5})
class FteField(serializers.Field):
    """FTE as a JSON number (above 0, at most 1.5, two decimals)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise ValidationError(_("Expected a number."), code="invalid_type")
        value = Decimal(str(data))
        if not (0 < value <= MAX_FTE):
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
            "active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"external_id": {"validators": []}}


# --- bulk sync (documentation of the body; the sync service validates it itself) -------------


class SyncDepartmentSerializer(serializers.Serializer):
    external_id = StrictCharField(max_length=100)
    name = StrictCharField(max_length=200)
    parent = StrictCharField(max_length=100, required=False, allow_null=True)


class SyncJobGroupSerializer(serializers.Serializer):
    external_id = StrictCharField(max_length=100)
    name = StrictCharField(max_length=200)


class SyncEmployeeSerializer(serializers.Serializer):
    external_id = StrictCharField(max_length=100)
    first_name = StrictCharField(max_length=150)
    last_name = StrictCharField(max_length=150)
    email = StrictEmailField(max_length=254)
    department = StrictCharField(max_length=100, required=False, allow_null=True)
    job_group = StrictCharField(max_length=100, required=False, allow_null=True)
    manager = StrictCharField(max_length=100, required=False, allow_null=True)
    education_level = StrictChoiceField(choices=["basic", "secondary", "bachelor", "master"], required=False)
    fte = FteField(required=False)
    hired_on = serializers.DateField(required=False, allow_null=True)
    locale = StrictChoiceField(choices=["en", "nl"], required=False)
    active = StrictBooleanField(required=False)


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
