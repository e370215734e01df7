"""The goal form and the sponsor form: fields only; the rules are the services' (goal_problems)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from monitoring import metrics as metric_registry
from people.forms import AudienceField, EmployeeChoiceField
from people.models import Employee
from surveys.models import Status as SurveyStatus
from surveys.models import Survey

from .models import GOAL_AUDIENCE_KINDS
from .selectors import sponsor_candidates
from .services.checks import INFORMING_KINDS


def sponsor_field(**kwargs) -> EmployeeChoiceField:
    """The sponsor: a search among the sponsor candidates (`goals:sponsor_search`), not a drop-down
    of every manager, which grew with the organisation (0.2 s of 50,000 people on the goal form).
    The form sets the queryset (the candidates, without the owner); it alone validates the choice."""
    return EmployeeChoiceField(
        queryset=Employee.objects.none(), search="goals:sponsor_search", label=_("Sponsor"), **kwargs
    )


class SurveyChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_title


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    why = forms.CharField(
        label=_("Why it matters for the work"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The sentence employees will read on their home page."),
    )
    audience = AudienceField(
        kinds=GOAL_AUDIENCE_KINDS,
        help_text=_("Start small: one department or one job group."),
    )
    metric = forms.ChoiceField(label=_("Metric"))
    target = forms.DecimalField(
        label=_("Target"), max_digits=10, decimal_places=2, help_text=_("In the metric's unit.")
    )
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    sponsor = sponsor_field()
    surveys = SurveyChoice(
        label=_("Surveys that informed it"),
        queryset=Survey.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Learning-needs surveys and barrier scans; their key results show beside the form."),
    )

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [(m.name, f"{m.label} ({m.unit_label})") for m in metric_registry.all_metrics()]
        candidates = sponsor_candidates()
        if owner is not None:
            candidates = candidates.exclude(pk=owner.pk)
        self.fields["sponsor"].queryset = candidates
        self.fields["surveys"].queryset = Survey.objects.filter(
            kind__in=INFORMING_KINDS, status=SurveyStatus.CLOSED
        ).order_by("-closed_at", "-pk")


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject: the owner reads it."),
    )


class SponsorForm(forms.Form):
    employee = EmployeeChoiceField(label=_("Employee"))
