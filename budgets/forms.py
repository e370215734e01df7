"""Forms for the budget pages. Rules live in the models and services; forms show their errors."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from people.forms import AudienceModelFormMixin

from .models import BudgetPolicy


class AdjustmentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (EUR)"),
        max_digits=10,
        decimal_places=2,
        help_text=_("Positive to add to the budget, negative to take off."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == Decimal(0):
            raise forms.ValidationError(_("Enter an amount other than zero."))
        return amount


class BudgetPolicyForm(AudienceModelFormMixin, forms.ModelForm):
    class Meta:
        model = BudgetPolicy
        fields = [
            "name",
            "amount",
            "hours",
            "period_start",
            "period_months",
            "pro_rata",
            "carry_over",
            "carry_over_limit",
            "grace_days",
            "over_budget",
            "reminder_days",
            "spend_on",
            "active",
        ]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "spend_on": forms.Textarea(attrs={"rows": 3}),
        }


class BudgetSearchForm(forms.Form):
    """The overview's search: read through a form like every other search, so that input no
    database text can hold (a NUL character) is an error shown, not a query sent."""

    q = forms.CharField(required=False)
