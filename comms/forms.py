"""Forms of the comms pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Channel, OptOut

PREFERENCE_CHANNELS = (Channel.EMAIL, Channel.IN_APP)


class PreferencesForm(forms.Form):
    """One checkbox per channel × category: checked means 'send me this'."""

    def __init__(self, *args, employee, **kwargs):
        super().__init__(*args, **kwargs)
        opted_out = set(OptOut.objects.filter(employee=employee).values_list("channel", "category"))
        self.rows = []
        for category in Category:
            row = {"label": category.label, "fields": []}
            for channel in PREFERENCE_CHANNELS:
                name = f"{channel.value}__{category.value}"
                self.fields[name] = forms.BooleanField(
                    label=_("%(category)s by %(channel)s") % {"category": category.label, "channel": channel.label},
                    required=False,
                    initial=(channel.value, category.value) not in opted_out and (channel.value, "") not in opted_out,
                )
                row["fields"].append(name)
            self.rows.append(row)

    def table(self):
        return [{"label": row["label"], "bound": [self[name] for name in row["fields"]]} for row in self.rows]

    def choices(self) -> dict[tuple[str, str], bool]:
        result = {}
        for name, value in self.cleaned_data.items():
            channel, category = name.split("__", 1)
            result[(channel, category)] = value
        # A blanket opt-out (from an 'all e-mail' unsubscribe) is replaced by the per-category choices.
        for channel in PREFERENCE_CHANNELS:
            result[(channel.value, "")] = True
        return result
