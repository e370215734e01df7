"""Forms of the catalog pages. Rules live in the services; forms collect and show their errors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import EducationLevel

from .models import LEVELS, Format, Language, Skill


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
    rating = forms.TypedChoiceField(
        label=_("How would you rate it?"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
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
