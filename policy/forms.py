"""Forms for the moment and policy pages. Validation lives in the models and services; forms show it."""

from zoneinfo import ZoneInfo

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from people.forms import AudienceModelFormMixin, EmployeeChoiceField

from .models import MOMENT_FIELDS, LearningMoment, LearningTimePolicy, timezone_choices


class CommaIntegersField(forms.CharField):
    """“1440, 15” -> [1440, 15]."""

    def to_python(self, value):
        text = super().to_python(value) or ""
        values = []
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                raise forms.ValidationError(_("Enter whole numbers separated by commas."))
            values.append(int(part))
        return values

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value


class MomentForm(AudienceModelFormMixin, forms.ModelForm):
    timezone = forms.ChoiceField(label=_("time zone"), choices=timezone_choices)
    online_url = forms.URLField(label=_("online link"), required=False, assume_scheme="https")
    reminder_offsets = CommaIntegersField(
        label=_("reminders (minutes before)"),
        required=False,
        help_text=_("For example 1440, 15 (a day and a quarter)."),
    )
    suggested_item_ids = CommaIntegersField(
        label=_("suggested catalog items"), required=False, help_text=_("Catalog item numbers, separated by commas.")
    )

    class Meta:
        model = LearningMoment
        fields = [name for name in MOMENT_FIELDS if name != "audience"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_field = LearningMoment._meta.get_field("host")
        # A search among thousands, not a drop-down of every employee (people.forms).
        self.fields["host"] = EmployeeChoiceField(
            required=False, label=capfirst(model_field.verbose_name), help_text=model_field.help_text
        )


class PolicyForm(AudienceModelFormMixin, forms.ModelForm):
    class Meta:
        model = LearningTimePolicy
        fields = ["hours_per_fte", "period"]


class OccurrenceForm(forms.Form):
    ACTIONS = [("cancel", _("Cancel")), ("move", _("Move")), ("restore", _("Restore"))]
    action = forms.ChoiceField(label=_("action"), choices=ACTIONS)
    occurrence = forms.CharField(label=_("occurrence"), max_length=20)
    new_start = forms.DateTimeField(
        label=_("new start (local time)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, moment=None, **kwargs):
        self.moment = moment
        super().__init__(*args, **kwargs)

    def clean_occurrence(self):
        from .recurrence import parse_key

        when = parse_key(self.cleaned_data["occurrence"])
        if when is None:
            raise forms.ValidationError(_("Unknown occurrence."))
        return when

    def clean_new_start(self):
        value = self.cleaned_data.get("new_start")
        if value is not None and self.moment is not None:
            # The form's field is read in the server's zone; the moment's zone is what the person meant.
            value = value.replace(tzinfo=None).replace(tzinfo=ZoneInfo(self.moment.timezone))
        return value

    def clean(self):
        data = super().clean()
        if data.get("action") == "move" and not data.get("new_start"):
            self.add_error("new_start", _("Enter the new date and time."))
        return data
