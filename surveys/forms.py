"""Forms for the survey pages. Validation lives in the models and services; forms show it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from people.forms import AudienceModelFormMixin

from .models import Kind, QuestionKind, Side, Survey


class SurveyForm(AudienceModelFormMixin, forms.ModelForm):
    class Meta:
        model = Survey
        fields = [
            "kind",
            "title",
            "title_nl",
            "intro",
            "intro_nl",
            "anonymous",
            "min_group_ratings",
            "min_group_comments",
            "breakdown_department_depth",
            "breakdown_job_group",
            "breakdown_side",
            "opens_at",
            "closes_at",
            "reminder_days",
        ]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "intro": forms.Textarea(attrs={"rows": 2}),
            "intro_nl": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"kind": _("A learning-needs survey or a barrier scan starts with its template questions.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, label) for k, label in Kind.choices if k != Kind.EVALUATION]
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Left empty, a template's own title is used.")


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("type"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("question (English)"), max_length=300)
    text_nl = forms.CharField(label=_("question (Dutch)"), max_length=300, required=False)
    required = forms.BooleanField(label=_("required"), required=False, initial=True)
    choices = forms.CharField(
        label=_("choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, English | Dutch, for choice questions."),
    )
    min_value = forms.DecimalField(label=_("lowest number"), required=False, max_digits=9, decimal_places=2)
    max_value = forms.DecimalField(label=_("highest number"), required=False, max_digits=9, decimal_places=2)
    side = forms.ChoiceField(label=_("asked of"), choices=Side.choices, initial=Side.ALL)

    def clean_choices(self):
        rows = []
        for line in (self.cleaned_data.get("choices") or "").splitlines():
            if line.strip():
                en, _sep, nl = line.partition("|")
                rows.append({"en": en.strip(), "nl": nl.strip()})
        return rows


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("What we do with it"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("Shown to employees above the results."),
    )
