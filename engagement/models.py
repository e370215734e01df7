"""Recognition of the most active: the point rules L&D tunes, the append-only activity ledger fed
by real events, each person's choice to be named on boards, and the rewards L&D gives."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.models import Employee, TimestampedModel


class ActivityKind(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled in a training")
    COMPLETED = "completed", _("Completed a training")
    ATTENDED = "attended", _("Attended a learning moment")
    EVALUATED = "evaluated", _("Answered an evaluation")
    STORY = "story", _("Published a story")
    HOSTED = "hosted", _("Hosted a knowledge session")
    NEED = "need", _("Forwarded a learning need")


class PointRule(TimestampedModel):
    """How one kind of activity counts. L&D tunes these; a kind without a row counts by DEFAULTS."""

    kind = models.CharField(_("activity"), max_length=20, choices=ActivityKind.choices, unique=True)
    points = models.PositiveSmallIntegerField(_("points per event"))
    daily_cap = models.PositiveSmallIntegerField(
        _("daily cap"), null=True, blank=True, help_text=_("At most this many points a day from this activity.")
    )
    repeat_days = models.PositiveSmallIntegerField(
        _("no points for a repeat within (days)"),
        default=0,
        help_text=_("The same activity on the same thing within this many days earns nothing (0: repeats count)."),
    )

    class Meta:
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")

    def __str__(self):
        return self.get_kind_display()


class Participant(models.Model):
    """One row per person who has any activity: their choice to be named on boards, and the row
    their ledger writes lock, so the daily cap holds under concurrent events."""

    employee = models.OneToOneField(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="engagement"
    )
    named = models.BooleanField(_("show my name on boards"), default=False)
    named_changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self):
        return str(self.employee)


class Outcome(models.TextChoices):
    COUNTED = "counted", _("Counted")
    CAPPED = "capped", _("Daily cap reached")
    PART_CAPPED = "part_capped", _("Partly counted: daily cap")
    REPEAT = "repeat", _("Repeat: no points")
    OFF = "off", _("This activity earns no points")
    REVERSAL = "reversal", _("Reversed: the enrolment was cancelled")


class Activity(models.Model):
    """One line of the ledger: what happened, when, and how it counted. Never edited (PostgreSQL
    refuses an UPDATE); a cancelled enrolment is undone by a reversal line of its own."""

    employee = models.ForeignKey(Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("activity"), max_length=20, choices=ActivityKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    day = models.DateField(_("day"), db_index=True)
    points = models.SmallIntegerField(_("points"))
    outcome = models.CharField(_("how it counted"), max_length=20, choices=Outcome.choices)
    # What happened, once per event: "enrolment:12", "attendance:3:2026-03-03T15:00:00+00:00".
    source = models.CharField(max_length=120)
    # The thing it was about, for the repeat rule: "item:4", "moment:3".
    subject = models.CharField(max_length=120, blank=True)
    label = models.CharField(_("about"), max_length=200, blank=True)  # the item's title, kept as it was
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            # the same event never counts twice (a retried task, a signal sent twice)
            models.UniqueConstraint(
                fields=["employee", "kind", "source"], condition=Q(reverses=None), name="engagement_activity_once"
            ),
        ]
        indexes = [models.Index(fields=["employee", "day"])]

    def __str__(self):
        return f"{self.employee} {self.kind} {self.points}"


class Reward(TimestampedModel):
    """A thank-you from L&D: always a message, optionally a badge on the profile and extra budget."""

    employee = models.ForeignKey(Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(Employee, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    message = models.TextField(_("thank-you message"), max_length=1000)
    badge = models.CharField(_("badge"), max_length=60, blank=True)
    amount = models.DecimalField(_("extra budget"), max_digits=9, decimal_places=2, null=True, blank=True)
    budget_entry_id = models.PositiveBigIntegerField(null=True, blank=True)  # budgets' ledger entry
    period = models.CharField(_("quarter"), max_length=6, db_index=True, default="")  # "2026Q4": whose pool paid

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.employee}: {self.badge or self.message[:40]}"


class RewardPool(models.Model):
    """What L&D may give as extra budget in one quarter; rewards lock this row, so two at once
    cannot together give more than it holds."""

    period = models.CharField(_("quarter"), max_length=6, unique=True)
    amount = models.DecimalField(_("reward pool"), max_digits=11, decimal_places=2)

    class Meta:
        verbose_name = _("reward pool")
        verbose_name_plural = _("reward pools")

    def __str__(self):
        return f"{self.period}: {self.amount}"
