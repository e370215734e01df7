"""Forms for the people pages. Validation lives in the model and the services; forms show it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Department, EducationLevel, Employee, JobGroup


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name, e-mail or HRIS key"), "type": "search"}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False, empty_label=_("All departments")
    )
    job_group = forms.ModelChoiceField(
        label=_("Job group"), queryset=JobGroup.objects.all(), required=False, empty_label=_("All job groups")
    )
    education_level = forms.ChoiceField(
        label=_("Education level"), required=False, choices=[("", _("All levels")), *EducationLevel.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))],
    )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or "active"
        return {
            "q": data.get("q", ""),
            "department": data["department"].pk if data.get("department") else None,
            "job_group": data["job_group"].pk if data.get("job_group") else None,
            "education_level": data.get("education_level", ""),
            "active": {"active": True, "inactive": False}.get(status),
        }


class EmployeeForm(forms.ModelForm):
    class Meta:
        model = Employee
        fields = [
            "first_name",
            "last_name",
            "email",
            "external_id",
            "department",
            "job_group",
            "manager",
            "education_level",
            "fte",
            "hired_on",
            "locale",
            "active",
        ]
        widgets = {"hired_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = Employee.objects.filter(active=True).order_by("last_name", "first_name")
