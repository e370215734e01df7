"""The forms of the engagement pages; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from people.forms import EmployeeChoiceField

from .models import ActivityKind


class NamedForm(forms.Form):
    named = forms.BooleanField(label=_("Show my name on the boards"), required=False)


class PointRuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Activity"), choices=ActivityKind.choices)
    points = forms.IntegerField(label=_("Points per event"), min_value=0, max_value=1000)
    daily_cap = forms.IntegerField(label=_("Daily cap (empty: none)"), min_value=0, max_value=10000, required=False)
    repeat_days = forms.IntegerField(label=_("No points for a repeat within (days)"), min_value=0, max_value=3650)


class RewardForm(forms.Form):
    employee = EmployeeChoiceField(label=_("Employee"))
    message = forms.CharField(
        label=_("Thank-you message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Sent through the delivery service, in their language as you write it."),
    )
    badge = forms.CharField(
        label=_("Badge (optional)"),
        max_length=60,
        required=False,
        help_text=_("Shown on their profile, e.g. “Learning pioneer Q3”."),
    )
    amount = forms.DecimalField(
        label=_("Extra learning budget (optional)"), max_digits=9, decimal_places=2, required=False, min_value=0
    )
    reason = forms.CharField(
        label=_("Reason for the extra budget"),
        max_length=300,
        required=False,
        help_text=_("One adjustment on their budget's ledger; the budget rules apply."),
    )
