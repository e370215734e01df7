"""The programme, cycle, review and extend forms: fields only; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from comms.models import CommunicationPlan
from goals.forms import sponsor_field
from goals.models import Goal
from goals.selectors import sponsor_candidates
from people.forms import AudienceField, EmployeeChoiceField, ListSelect
from people.models import Department
from policy.models import LearningMoment
from surveys.models import Survey

from .models import PROGRAMME_AUDIENCE_KINDS


class NamedMultiple(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return getattr(obj, "display_title", None) or str(obj)


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    audience = AudienceField(
        kinds=PROGRAMME_AUDIENCE_KINDS,
        label=_("Pilot audience"),
        help_text=_("Start small: one department or one job group, and extend once it works there."),
    )
    sponsor = sponsor_field(required=False)
    comparison_department = forms.ModelChoiceField(
        label=_("Comparison group"),
        queryset=Department.objects.order_by("name"),
        required=False,
        widget=ListSelect,
        empty_label=_("The rest of the organisation"),
        help_text=_("The pilot's change counts as the programme's effect only where it beats this group's."),
    )
    comms_plan = forms.ModelChoiceField(
        label=_("Communication plan"), queryset=CommunicationPlan.objects.order_by("name"), required=False
    )
    goals = NamedMultiple(
        label=_("Goals"), queryset=Goal.objects.order_by("title"), required=False, widget=forms.CheckboxSelectMultiple
    )
    surveys = NamedMultiple(
        label=_("Surveys"),
        queryset=Survey.objects.order_by("-created_at"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    moments = NamedMultiple(
        label=_("Learning moments"),
        queryset=LearningMoment.objects.filter(active=True).order_by("title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = sponsor_candidates()
        if owner is not None:
            candidates = candidates.exclude(pk=owner.pk)
        self.fields["sponsor"].queryset = candidates


class CycleForm(forms.Form):
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))


class ReviewForm(forms.Form):
    worked = forms.CharField(label=_("What worked"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    did_not_work = forms.CharField(
        label=_("What did not work"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    decisions = forms.CharField(
        label=_("Decisions"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Action"), max_length=500, required=False)
    owner = EmployeeChoiceField(label=_("Owner"), required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


ActionFormSet = forms.formset_factory(ActionForm, extra=3, max_num=10)


class ExtendForm(forms.Form):
    name = forms.CharField(label=_("Name of the new programme"), max_length=200)
    audience = AudienceField(
        kinds=PROGRAMME_AUDIENCE_KINDS,
        label=_("Next audience"),
        help_text=_("The next department or job group."),
    )
    sponsor = sponsor_field(required=False)

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = sponsor_candidates()
        if owner is not None:
            candidates = candidates.exclude(pk=owner.pk)
        self.fields["sponsor"].queryset = candidates


class SponsorMessageForm(forms.Form):
    """A sponsor's short message to the audience of a goal or programme they sponsor. `key` is made
    when the form is shown, so the same form sent twice is sent once."""

    target = forms.ChoiceField(label=_("To the audience of"))
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, goals=(), programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {f"goal:{g.pk}": ("goal", g) for g in goals}
        self.targets |= {f"programme:{p.pk}": ("programme", p) for p in programmes}
        self.fields["target"].choices = [
            (_("Goals"), [(f"goal:{g.pk}", g.title) for g in goals]),
            (_("Programmes"), [(f"programme:{p.pk}", p.name) for p in programmes]),
        ]

    def chosen(self) -> dict:
        """The service's keywords: goal= or programme=."""
        kind, obj = self.targets[self.cleaned_data["target"]]
        return {kind: obj}
