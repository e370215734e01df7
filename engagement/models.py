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


# --- ambassadors ----------------------------------------------------------------------------------


class NominationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    TAKEN_UP = "taken_up", _("Taken up: invited")
    DISMISSED = "dismissed", _("Not taken up")


class Nomination(TimestampedModel):
    """A manager or colleague proposes someone as ambassador, with a short reason; L&D reads the
    nominations beside the data's suggestions. One open nomination per nominator per person."""

    nominee = models.ForeignKey(Employee, verbose_name=_("nominee"), on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(Employee, verbose_name=_("nominated by"), on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("why"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=NominationStatus.choices, default=NominationStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["nominee", "by"], condition=Q(status="open"), name="engagement_nomination_one_open"
            ),
            models.CheckConstraint(condition=~Q(nominee=models.F("by")), name="engagement_nomination_not_self"),
        ]

    def __str__(self):
        return f"{self.nominee} ← {self.by}"


class AmbassadorStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Ambassador")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Invitation withdrawn")
    ENDED = "ended", _("Ended by L&D")
    STEPPED_DOWN = "stepped_down", _("Stepped down")


# The moves the status machine allows: from -> to.
AMBASSADOR_MOVES = {
    AmbassadorStatus.INVITED: {AmbassadorStatus.ACCEPTED, AmbassadorStatus.DECLINED, AmbassadorStatus.WITHDRAWN},
    AmbassadorStatus.ACCEPTED: {AmbassadorStatus.ENDED, AmbassadorStatus.STEPPED_DOWN},
}
LIVE = (AmbassadorStatus.INVITED, AmbassadorStatus.ACCEPTED)


class Ambassadorship(models.Model):
    """L&D's invitation to be an ambassador for a department and what became of it: the person
    accepts or declines (consent); L&D ends it, or the person steps down. Each move keeps who and
    when; a person has at most one invitation or appointment at a time."""

    employee = models.ForeignKey(Employee, verbose_name=_("ambassador"), on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "people.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AmbassadorStatus.choices, default=AmbassadorStatus.INVITED
    )
    invited_by = models.ForeignKey(Employee, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(_("invited at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        Employee, verbose_name=_("ended by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ambassadorship")
        verbose_name_plural = _("ambassadorships")
        ordering = ["-invited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee"],
                condition=Q(status__in=["invited", "accepted"]),
                name="engagement_ambassador_one_live",
            ),
        ]
        indexes = [models.Index(fields=["department", "status"])]

    def __str__(self):
        return f"{self.employee} ({self.department})"


class NeedGroup(TimestampedModel):
    """Needs the ambassador gathered under one title and (once forwarded) L&D's answer to them."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("With L&D")
        CATALOG = "catalog", _("Became a catalog item")
        SURVEY = "survey", _("Became a survey topic")
        DECLINED = "declined", _("Declined")

    department = models.ForeignKey(
        "people.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=120)
    created_by = models.ForeignKey(Employee, verbose_name=_("grouped by"), on_delete=models.PROTECT, related_name="+")
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    forwarded_by = models.ForeignKey(
        Employee, verbose_name=_("forwarded by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("what became of it"), max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    item = models.ForeignKey(
        "catalog.LearningItem",
        verbose_name=_("catalog item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("L&D's note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        Employee, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("group of needs")
        verbose_name_plural = _("groups of needs")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Need(TimestampedModel):
    """A learning need or idea a colleague dropped in their department's inbox."""

    department = models.ForeignKey(
        "people.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(Employee, verbose_name=_("dropped by"), on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("learning need or idea"), max_length=300)
    group = models.ForeignKey(
        NeedGroup, verbose_name=_("group"), null=True, blank=True, on_delete=models.SET_NULL, related_name="needs"
    )

    class Meta:
        verbose_name = _("learning need")
        verbose_name_plural = _("learning needs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["department", "created_at"])]

    def __str__(self):
        return self.text[:60]


from .story_models import Effect, Story, StoryState  # noqa: E402, F401 - stories live in their own module
