"""The catalog's serializers: a learning item as the API shows it, and as providers and the CSV
import write it (made from the model, so each field's rules are the model's)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from people.models import EducationLevel

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
