"""Forms of the catalog pages. Rules live in the services; forms collect and show their errors."""

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from people.forms import AudienceField
from people.models import EducationLevel

from .models import ITEM_FIELDS, LEVELS, Format, Language, LearningItem, MandatoryRule, Skill


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, provider or topic")}),
    )
    format = forms.ChoiceField(label=_("Format"), required=False, choices=[("", _("All formats")), *Format.choices])
    level = forms.ChoiceField(
        label=_("Education level"), required=False, choices=[("", _("All levels")), *EducationLevel.choices]
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *Language.choices]
    )
    max_hours = forms.DecimalField(
        label=_("At most (hours)"), required=False, min_value=0, max_digits=6, decimal_places=1
    )
    max_cost = forms.DecimalField(label=_("At most (EUR)"), required=False, min_value=0, max_digits=9, decimal_places=2)
    skill = forms.ModelChoiceField(
        label=_("Skill"), required=False, queryset=Skill.objects.all(), empty_label=_("All skills")
    )
    free = forms.BooleanField(label=_("Free of charge"), required=False)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q", ""),
            "formats": [data["format"]] if data.get("format") else [],
            "level": data.get("level") if data.get("level") in LEVELS else "",
            "language": data.get("language", ""),
            "max_hours": data.get("max_hours"),
            "max_cost": data.get("max_cost"),
            "skill": data["skill"].pk if data.get("skill") else None,
            "free": bool(data.get("free")),
        }


class RequestForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("Session"), queryset=None, required=False, empty_label=None, widget=forms.RadioSelect
    )
    motivation = forms.CharField(
        label=_("Why do you want to take this?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Your manager reads this when deciding."),
    )
    # Where the request came from: "for_you" when asked from a recommendation.
    via = forms.ChoiceField(choices=[("", ""), ("for_you", "for_you")], required=False, widget=forms.HiddenInput)

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        if sessions is None or not sessions.exists():
            del self.fields["session"]
        else:
            self.fields["session"].required = True


class ExternalRequestForm(forms.Form):
    title = forms.CharField(label=_("Training"), max_length=200)
    provider = forms.CharField(label=_("Provider"), max_length=120)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    cost = forms.DecimalField(label=_("Cost (EUR)"), min_value=0, max_digits=9, decimal_places=2)
    hours = forms.DecimalField(label=_("Duration (hours)"), min_value=0, max_digits=6, decimal_places=1, required=False)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    motivation = forms.CharField(
        label=_("Why do you want to take this?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)


class CompleteForm(forms.Form):
    """Whether it helped; the rating is the evaluation's (surveys), sent on completion."""

    helped_in_work = forms.TypedChoiceField(
        label=_("Did it help in your work?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )


class ProfileForm(forms.Form):
    needs = forms.ModelMultipleChoiceField(
        label=_("What I want to learn"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_formats = forms.MultipleChoiceField(
        label=_("How I like to learn"), choices=Format.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file from the provider"), help_text=_("UTF-8, comma or semicolon separated, with a header row.")
    )


# --- managing the offer (L&D staff) ------------------------------------------------------------


class TagsField(forms.CharField):
    """Skills as tags: comma-separated names in, a list of names out."""

    def to_python(self, value):
        value = super().to_python(value)
        return [name.strip() for name in value.replace(";", ",").split(",") if name.strip()]


class ManageSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, provider or key")}),
    )
    format = forms.ChoiceField(label=_("Format"), required=False, choices=[("", _("All formats")), *Format.choices])
    level = forms.ChoiceField(
        label=_("Education level"), required=False, choices=[("", _("All levels")), *EducationLevel.choices]
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Active and inactive")), ("yes", _("Active only")), ("no", _("Inactive only"))],
    )
    provider = forms.ChoiceField(label=_("Provider"), required=False)

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", _("All providers")), *((p, p) for p in providers)]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q", ""),
            "format": data.get("format", ""),
            "level": data.get("level") if data.get("level") in LEVELS else "",
            "active": {"yes": True, "no": False}.get(data.get("active", "")),
            "provider": data.get("provider", ""),
        }


def _item_model_field(field, **kwargs):
    if field.name == "url":
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ItemForm(forms.Form):
    """A learning item as L&D staff edit it: the model's fields (their rules are the model's) plus
    the education levels and the skills as tags, in the order of ITEM_FIELDS."""

    levels = forms.MultipleChoiceField(
        label=_("Education levels it suits"), choices=EducationLevel.choices, widget=forms.CheckboxSelectMultiple
    )
    skills = TagsField(
        label=_("Skills"),
        required=False,
        max_length=2000,
        help_text=_("Separate skills with commas; new ones are added to the list of skills."),
    )

    @staticmethod
    def initial_for(item) -> dict:
        initial = {name: getattr(item, name) for name in ITEM_FIELDS if name != "skills"}
        initial["skills"] = ", ".join(s.name for s in item.skills.all())
        return initial


ItemForm.base_fields = {
    **fields_for_model(
        LearningItem,
        fields=[name for name in ITEM_FIELDS if name not in ItemForm.base_fields],
        labels={"active": _("Active (offered in the catalog)")},
        widgets={"description": forms.Textarea(attrs={"rows": 4})},
        formfield_callback=_item_model_field,
    ),
    **ItemForm.base_fields,
}
ItemForm.base_fields = {name: ItemForm.base_fields[name] for name in ITEM_FIELDS}


class _LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=_LocalDateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=_LocalDateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=100000)

    def __init__(self, *args, prefix_id="new", **kwargs):
        super().__init__(*args, **kwargs)
        # Unique ids per row, so several inline forms on one page keep their labels apart.
        self.auto_id = f"id_session_{prefix_id}_%s"


class MandatoryRuleForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Learning item"), queryset=None)
    audience = AudienceField(label=_("Required for"), kinds=MandatoryRule.audience_kinds)
    starts_on = forms.DateField(label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}))
    due_days = forms.IntegerField(
        label=_("Due within (days)"),
        min_value=0,
        max_value=3650,
        help_text=_("Days after the rule comes into force, or after someone is hired."),
    )
    renewal_months = forms.IntegerField(
        label=_("Renew every (months)"),
        min_value=1,
        max_value=240,
        required=False,
        help_text=_("Leave empty for a one-off requirement."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class JobGroupSkillsForm(forms.Form):
    skills = TagsField(
        label=_("Skills this job group needs"),
        required=False,
        max_length=4000,
        help_text=_("Separate skills with commas; new ones are added to the list of skills."),
    )


class CatalogSettingsForm(forms.Form):
    approval_threshold = forms.DecimalField(
        label=_("Automatic approval below (EUR)"),
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text=_("Requests that cost less than this are approved without a manager. 0 means never."),
    )
