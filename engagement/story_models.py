"""Stories: in a few lines, what a completed training changed in someone's work (better, faster or
smarter), moderated by L&D before colleagues read it."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import LearningItem
from people.models import Employee, TimestampedModel

STORY_MAX = 600


class Effect(models.TextChoices):
    BETTER = "better", _("Better: I do my work better")
    FASTER = "faster", _("Faster: I do my work faster")
    SMARTER = "smarter", _("Smarter: I work smarter")


# What a card shows beside the story.
EFFECT_SHORT = {"better": _("Better"), "faster": _("Faster"), "smarter": _("Smarter")}


class StoryState(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Story(TimestampedModel):
    writer = models.ForeignKey(Employee, verbose_name=_("writer"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(LearningItem, verbose_name=_("training"), on_delete=models.PROTECT, related_name="+")
    effect = models.CharField(_("what it changed"), max_length=10, choices=Effect.choices)
    text = models.TextField(_("your story"), max_length=STORY_MAX)
    quote_with_name = models.BooleanField(_("may be quoted with my name"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=StoryState.choices, default=StoryState.SUBMITTED, db_index=True
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        Employee, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-created_at"]
        constraints = [
            # one live story per person and training: a second one waits until the first is gone
            models.UniqueConstraint(
                fields=["writer", "item"],
                condition=Q(state__in=["submitted", "published"]),
                name="engagement_story_one_live",
            ),
        ]

    def __str__(self):
        return f"{self.writer}: {self.item}"
