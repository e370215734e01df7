"""The dashboard's filters and the thresholds form."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.audience import EVERYONE, Audience, AudienceKind
from people.forms import ListSelect
from people.models import Department, JobGroup

from . import metrics as metric_registry
from .periods import Period


def _years():
    this = timezone.localdate().year
    return [(str(y), str(y)) for y in range(this, this - 5, -1)]


class PeriodForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), choices=_years, coerce=int, required=False)

    def period(self) -> Period:
        year = self.cleaned_data.get("year") if self.is_valid() else None
        return Period.year(year or timezone.localdate().year)


class FilterForm(PeriodForm):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("All"),
        widget=ListSelect,
    )
    job_group = forms.ModelChoiceField(
        label=_("Job group"), queryset=JobGroup.objects.order_by("name"), required=False, empty_label=_("All")
    )

    def audience(self) -> Audience:
        if not self.is_valid():
            return EVERYONE
        department, job_group = self.cleaned_data.get("department"), self.cleaned_data.get("job_group")
        if department and job_group:
            return Audience.of(AudienceKind.DEPARTMENT_JOB_GROUP, department=department, job_group=job_group)
        if department:
            return Audience.of(AudienceKind.DEPARTMENT, department=department)
        if job_group:
            return Audience.of(AudienceKind.JOB_GROUP, job_group=job_group)
        return EVERYONE


class ThresholdsForm(forms.Form):
    """Two number fields per metric: `<name>-green` and `<name>-amber`."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for metric in metric_registry.all_metrics():
            green, amber = current[metric.name]
            for part, value, label in (("green", green, _("green from")), ("amber", amber, _("amber from"))):
                self.fields[f"{metric.name}-{part}"] = forms.DecimalField(
                    label=f"{metric.label}: {label}", initial=value, max_digits=10, decimal_places=2
                )

    def rows(self):
        return [
            (metric, self[f"{metric.name}-green"], self[f"{metric.name}-amber"])
            for metric in metric_registry.all_metrics()
        ]

    def values(self) -> dict:
        return {
            m.name: (self.cleaned_data[f"{m.name}-green"], self.cleaned_data[f"{m.name}-amber"])
            for m in metric_registry.all_metrics()
        }
