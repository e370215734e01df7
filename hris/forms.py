"""Forms of the HRIS pages: API clients and the CSV import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .csvimport import REQUIRED, TARGETS
from .models import Scope

MAX_CSV_BYTES = 20 * 1024 * 1024


class ApiClientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, required=True
    )
    expires_at = forms.DateTimeField(
        label=_("Expires at (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class CsvUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8 (with or without BOM), comma or semicolon."))
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=[
            ("partial", _("Partial: update only the people in the file")),
            ("full", _("Full: the file is everyone; deactivate people missing from it")),
        ],
        initial="partial",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class CsvMappingForm(forms.Form):
    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in the file)")), *[(h, h) for h in header]]
        for target, label in TARGETS.items():
            self.fields[target] = forms.ChoiceField(label=label, choices=choices, required=target in REQUIRED)

    def mapping(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v}
