"""What every API shares (strict fields, the one Audience component, a service's errors as field
errors) and the people endpoints of the REST API (the HRIS app adds what an HR system writes to)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .access import roles_of
from .audience import ALL_KINDS, Audience, AudienceKind, AudienceModel, audience_label, audience_problems
from .models import EMPLOYEE_FIELDS, Department, Employee, JobGroup
from .validators import validate_email_address

# --- strict fields for every API: a number is no string, "1" is no integer, "true" is no boolean ---


class _JsonTyped:
    """Input of another JSON type is refused before the field's own checks."""

    json_type: type = str
    type_message = gettext_lazy("Expected a string.")

    def to_internal_value(self, data):
        if isinstance(data, bool) != (self.json_type is bool) or not isinstance(data, self.json_type):
            raise ValidationError(self.type_message, code="invalid_type")
        return super().to_internal_value(data)


class StrictCharField(_JsonTyped, serializers.CharField):
    pass


class StrictEmailField(StrictCharField):
    """An address under the one rule of people.validators (DRF's EmailField adds Django's own)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if validate_email_address not in self.validators:
            self.validators.append(validate_email_address)


class StrictChoiceField(_JsonTyped, serializers.ChoiceField):
    pass


class StrictBooleanField(_JsonTyped, serializers.BooleanField):
    json_type, type_message = bool, gettext_lazy("Expected true or false.")


class StrictPrimaryKeyRelatedField(_JsonTyped, serializers.PrimaryKeyRelatedField):
    json_type, type_message = int, gettext_lazy("Expected an integer id.")


class StrictIntegerField(_JsonTyped, serializers.IntegerField):
    json_type, type_message = int, gettext_lazy("Expected a whole number.")


class StrictModelSerializer(serializers.ModelSerializer):
    serializer_related_field = StrictPrimaryKeyRelatedField
    serializer_choice_field = StrictChoiceField

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        mapping = {
            serializers.CharField: StrictCharField,
            serializers.EmailField: StrictEmailField,
            serializers.BooleanField: StrictBooleanField,
        }
        return mapping.get(field_class, field_class), kwargs


# --- the audience -----------------------------------------------------------------------------------


class AudienceSerializer(serializers.Serializer):
    """Who something applies to: everyone, a department and its sub-departments, a job group, a
    job group within a department, managers only, or a manager's whole team (direct and indirect
    reports). Give the parts the kind needs; others are ignored. A department, job group or manager
    that does not exist (or a manager who left) is a field error under `audience`."""

    # One OpenAPI component for every API. On a model: `audience = AudienceSerializer(kinds=
    # Model.audience_kinds)`; validated data holds a people.audience.Audience.

    kind = StrictChoiceField(choices=AudienceKind.choices, help_text="Which people: see the enum.")
    department = StrictPrimaryKeyRelatedField(
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        help_text="For `department` and `department_job_group`: the department; its sub-departments are included.",
    )
    job_group = StrictPrimaryKeyRelatedField(
        queryset=JobGroup.objects.all(),
        required=False,
        allow_null=True,
        help_text="For `job_group` and `department_job_group`: the job group.",
    )
    manager = StrictPrimaryKeyRelatedField(
        queryset=Employee.objects.all(),
        required=False,
        allow_null=True,
        help_text="For `team`: the manager (an active employee) whose direct and indirect reports it is.",
    )
    label = serializers.CharField(read_only=True, help_text="The audience in words, in the caller's language.")

    def __init__(self, *args, kinds=ALL_KINDS, **kwargs):
        self.kinds = tuple(kinds)
        super().__init__(*args, **kwargs)

    def get_attribute(self, instance):
        # On an AudienceModel read the instance itself, so the label uses its (selected) related rows.
        return instance if isinstance(instance, AudienceModel) else super().get_attribute(instance)

    def to_representation(self, instance):
        if isinstance(instance, AudienceModel):
            audience, label = instance.audience, instance.audience_label
        else:
            audience, label = instance, audience_label(instance)
        return {
            "kind": audience.kind,
            "department": audience.department_id,
            "job_group": audience.job_group_id,
            "manager": audience.manager_id,
            "label": label,
        }

    def validate(self, attrs):
        if "kind" not in attrs:  # a PATCH may leave fields out, but an audience is sent whole
            raise serializers.ValidationError({"kind": [self.fields["kind"].error_messages["required"]]})
        parts = {part: attrs.get(part) for part in ("department", "job_group", "manager")}
        problems = audience_problems(attrs["kind"], kinds=self.kinds, **parts)
        if problems:
            raise serializers.ValidationError({part: [message] for part, message in problems.items()})
        return Audience.of(attrs["kind"], **parts)


def api_errors(exc) -> dict:
    """A service's Django ValidationError as DRF field errors: the audience's model fields under
    `audience` (`{"audience": {"department": [...]}}`), other fields by name, the rest under
    `non_field_errors`."""
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": exc.messages}
    errors: dict = {}
    for name, messages in exc.message_dict.items():
        if name.startswith("audience_"):
            errors.setdefault("audience", {})[name.removeprefix("audience_")] = messages
        elif name == "__all__":
            errors["non_field_errors"] = messages
        else:
            errors[name] = messages
    return errors


class MeSerializer(serializers.ModelSerializer):
    department = serializers.StringRelatedField()
    job_group = serializers.StringRelatedField()
    manager = serializers.StringRelatedField()

    class Meta:
        model = Employee
        fields = ["id", *(name for name in EMPLOYEE_FIELDS if name != "active")]


class MeView(APIView):
    """The signed-in employee's own profile."""

    capability = "profile.view_own"

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(roles_of(request.user).employee).data)


def register(router, urlpatterns):
    from django.urls import path

    urlpatterns.append(path("me/", MeView.as_view(), name="me"))
