"""The forms of the ambassador and needs pages; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from people.forms import EmployeeChoiceField
from people.models import Department

from .models import NeedGroup


class NominateForm(forms.Form):
    nominee = EmployeeChoiceField(label=_("Colleague"))
    reason = forms.CharField(label=_("Why this colleague?"), max_length=300)


class InviteForm(forms.Form):
    employee = EmployeeChoiceField(label=_("Employee"))
    department = forms.ModelChoiceField(
        label=_("Department (empty: their own)"), queryset=Department.objects.order_by("name"), required=False
    )


class NeedForm(forms.Form):
    text = forms.CharField(
        label=_("A learning need or idea"),
        max_length=300,
        help_text=_("In a few words: what would help you or your colleagues learn?"),
    )


class GroupForm(forms.Form):
    title = forms.CharField(label=_("Title of the group"), max_length=120)
    needs = forms.TypedMultipleChoiceField(label=_("Needs"), coerce=int, choices=())

    def __init__(self, *args, need_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = [(pk, pk) for pk in need_ids]


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What became of it"),
        choices=[c for c in NeedGroup.Outcome.choices if c[0] != NeedGroup.Outcome.OPEN],
    )
    item = forms.TypedChoiceField(label=_("Catalog item"), coerce=int, required=False, empty_value=None)
    note = forms.CharField(label=_("Note (the reason, when declined)"), max_length=300, required=False)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "–"), *items]
