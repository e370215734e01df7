"""The forms of the engagement pages; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ActivityKind


class NamedForm(forms.Form):
    named = forms.BooleanField(label=_("Show my name on the boards"), required=False)


class PointRuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Activity"), choices=ActivityKind.choices)
    points = forms.IntegerField(label=_("Points per event"), min_value=0, max_value=1000)
    daily_cap = forms.IntegerField(label=_("Daily cap (empty: none)"), min_value=0, max_value=10000, required=False)
    repeat_days = forms.IntegerField(label=_("No points for a repeat within (days)"), min_value=0, max_value=3650)
