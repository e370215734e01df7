"""The catalog's serializers: a learning item as the API shows it, and as providers and the CSV
import write it (made from the model, so each field's rules are the model's)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from people.guards import to_utc
from people.models import EducationLevel, Employee

from .models import ITEM_FIELDS, LearningItem


class ListedChoiceField(serializers.ChoiceField):
    """A choice whose error names the values that are allowed."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            allowed = ", ".join(str(key) for key in self.choices)
            message = _('"%(value)s" is not one of: %(allowed)s.') % {"value": data, "allowed": allowed}
            raise serializers.ValidationError(message, code="invalid_choice") from None


class NamesField(serializers.ListField):
    """A list of names, sent as a JSON list or as one text separated by `,`, `;` or `|` (a CSV
    cell); blanks are dropped."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            for sep in ("|", ";"):
                data = data.replace(sep, ",")
            data = [part for part in data.split(",") if part.strip()]
        return super().to_internal_value(data)


class LearningItemSerializer(serializers.ModelSerializer):
    levels = serializers.ListField(child=serializers.CharField(), read_only=True)
    skills = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = LearningItem
        fields = ["id", *ITEM_FIELDS, "updated_at"]


class LearningItemWriteSerializer(serializers.ModelSerializer):
    """One item of an import (API or CSV), upserted by (provider, provider_key): both are required.
    The rules of each field are the model's; the service checks the item as a whole."""

    serializer_choice_field = ListedChoiceField
    levels = NamesField(child=ListedChoiceField(choices=EducationLevel.choices), allow_empty=False)
    skills = NamesField(child=serializers.CharField(max_length=100), required=False)

    class Meta:
        model = LearningItem
        fields = list(ITEM_FIELDS)
        validators = []  # an existing (provider, provider_key) is updated, not refused
        extra_kwargs = {
            "provider": {"required": True, "allow_blank": False},
            "provider_key": {"required": True, "allow_blank": False},
            "url": {"error_messages": {"invalid": _("Enter a full web address (https://...).")}},
        }


class AwareDateTimeField(serializers.DateTimeField):
    """A date and time with its time zone: a naive one would be read in the server's zone."""

    default_error_messages = {"naive": _("Give a date and time with a time zone (ISO 8601).")}

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        try:
            return super().enforce_timezone(to_utc(value))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages, code="out_of_range") from None


class CompletionReportSerializer(serializers.Serializer):
    """A completion an external LMS reports: the employee by HRIS key, the item by id or by provider
    and provider key. Validated to the arguments of services.enrolment_record_completion."""

    employee_external_id = serializers.CharField(max_length=100)
    item_id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    provider = serializers.CharField(required=False, max_length=120)
    provider_key = serializers.CharField(required=False, max_length=100)
    completed_at = AwareDateTimeField(required=False)
    amount = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0, required=False)

    def validate_employee_external_id(self, value):
        employee = Employee.objects.filter(external_id=value).first()
        if employee is None:
            raise serializers.ValidationError(_("No employee has this HRIS key."), code="not_found")
        return employee

    def validate_item_id(self, value):
        item = LearningItem.objects.filter(pk=value).first()
        if item is None:
            raise serializers.ValidationError(_("No learning item has this id."), code="not_found")
        return item

    def to_internal_value(self, data):
        """Field errors and the item's (which needs two fields) reported together."""
        try:
            values, errors = super().to_internal_value(data), {}
        except serializers.ValidationError as exc:
            values, errors = None, dict(exc.detail)
        raw = data if isinstance(data, dict) else {}
        if "item_id" not in raw and "item_id" not in errors:
            item = None
            if values is not None and values.get("provider") and values.get("provider_key"):
                item = LearningItem.objects.filter(provider=values["provider"], provider_key=values["provider_key"])
                item = item.first()
                if item is None:
                    errors["provider_key"] = [_("No learning item has this provider and key.")]
            elif not (raw.get("provider") and raw.get("provider_key")):
                errors["item_id"] = [_("Give item_id, or provider and provider_key.")]
            if values is not None:
                values["item_id"] = item
        if errors:
            raise serializers.ValidationError(errors)
        return {
            "employee": values["employee_external_id"],
            "item": values["item_id"],
            "completed_at": values.get("completed_at"),
            "amount": values.get("amount"),
        }
