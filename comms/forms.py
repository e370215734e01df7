"""Forms of the comms pages."""

from django import forms
from django.utils.html import format_html, mark_safe
from django.utils.translation import gettext_lazy as _

from people.forms import AudienceModelFormMixin
from people.registry import PUBLISHED_STORIES, registry

from .models import PLACEHOLDERS, Category, Channel, CommunicationPlan, Message, OptOut

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


class PlanForm(forms.ModelForm):
    webhook_url = forms.URLField(
        label=_("chat webhook URL"),
        required=False,
        assume_scheme="https",
        help_text=_("A Teams or Slack incoming-webhook URL, used by messages sent to the chat channel."),
    )

    class Meta:
        model = CommunicationPlan
        fields = ["name", "description", "webhook_url"]


class MessageForm(AudienceModelFormMixin, forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("Where: channels"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Message
        fields = [
            "subject",
            "body",
            "link",
            "channels",
            "reason",
            "when",
            "send_at",
            "recurrence",
            "trigger",
            "category",
            "mandatory",
        ]
        widgets = {
            "send_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "body": forms.Textarea(attrs={"rows": 5}),
            "reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # <kbd>: what to type; help texts are rendered as HTML, so each placeholder is escaped.
        allowed = ", ".join(format_html("<kbd>{}</kbd>", "{{ %s }}" % p) for p in PLACEHOLDERS)  # noqa: UP031
        help_text = _("Placeholders you may use: {allowed}")
        self.fields["body"].help_text = format_html(help_text, allowed=mark_safe(allowed))  # noqa: S308
        if registry.find(PUBLISHED_STORIES):
            quote = _("To quote a colleague's published story, add its block from the stories page: {block}")
            block = format_html("<kbd>{}</kbd>", "{{ story:12 }}")
            self.fields["body"].help_text = format_html(
                "{} {}", self.fields["body"].help_text, format_html(str(quote), block=block)
            )
        self.fields["subject"].help_text = self.fields["body"].help_text
        self.fields["category"].choices = [c for c in Category.choices if c[0] != Category.SYSTEM]
        self.fields["send_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        self.fields["reason"].help_text = _(
            "Why this message matters to the people who get it. Needed before the plan can go live."
        )
        # The flag is no "required field" ("verplicht" read as one): say what it does.
        self.fields["mandatory"].label = _("Send to everyone, even to those who turned this kind of message off")
        self.fields["mandatory"].help_text = _("For messages people must get, such as one about a mandatory training.")


class PreviewForm(forms.Form):
    q = forms.CharField(label=_("Find a recipient"), required=False, max_length=100)
