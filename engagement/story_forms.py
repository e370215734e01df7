"""The forms of the story pages. They only carry what was typed: the service holds the one
validation (a completed training, an effect, a few lines), so the fields here check nothing."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .story_models import STORY_MAX, Effect


class StoryForm(forms.Form):
    item = forms.IntegerField(label=_("Training you completed"), required=False, widget=forms.Select)
    effect = forms.CharField(
        label=_("What did it change?"), required=False, widget=forms.RadioSelect(choices=Effect.choices)
    )
    text = forms.CharField(
        label=_("Your story"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": STORY_MAX}),
        help_text=format_lazy(
            _("A few lines: what do you do differently since the training? At most {max} characters."), max=STORY_MAX
        ),
    )
    quote_with_name = forms.BooleanField(
        label=_("My story may be quoted with my name"),
        required=False,
        help_text=_("Without it, colleagues read it from “a colleague”."),
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].widget.choices = [("", "---------"), *((i.pk, i.title) for i in items)]


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the writer reads it)"), required=False, widget=forms.TextInput)
