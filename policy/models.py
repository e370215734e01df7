"""Learning-time policies, recurring learning moments (RFC 5545 rules in local wall time), their
per-occurrence overrides, attendance, mutes, calendar tokens and the reminder claims."""

import secrets
from decimal import Decimal
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.audience import AudienceKind, AudienceModel, audience_check
from people.models import Employee, TimestampedModel

DEFAULT_TIMEZONE = "Europe/Amsterdam"
DEFAULT_REMINDER_OFFSETS = [1440, 15]  # minutes before the start: a day, and a quarter of an hour


def default_offsets() -> list[int]:
    return list(DEFAULT_REMINDER_OFFSETS)


def timezone_choices():
    return [(name, name) for name in sorted(available_timezones())]


class PolicyPeriod(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class LearningTimePolicy(AudienceModel, TimestampedModel):
    """Hours of learning per FTE per period for an audience; for an employee the most specific wins
    (a job group's, else the nearest department's, else everyone's)."""

    audience_kinds = (AudienceKind.EVERYONE, AudienceKind.DEPARTMENT, AudienceKind.JOB_GROUP)

    hours_per_fte = models.DecimalField(
        _("hours per FTE"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("2000"))],
    )
    period = models.CharField(_("period"), max_length=8, choices=PolicyPeriod.choices, default=PolicyPeriod.YEAR)

    class Meta:
        verbose_name = _("learning-time policy")
        verbose_name_plural = _("learning-time policies")
        ordering = ["audience_kind", "pk"]
        constraints = [
            audience_check(),
            models.CheckConstraint(condition=Q(hours_per_fte__gt=0), name="policy_hours_positive"),
            models.UniqueConstraint(
                fields=["audience_kind"],
                condition=Q(audience_kind="everyone"),
                name="policy_one_for_everyone",
                violation_error_message=_("There is already a policy for everyone."),
            ),
            models.UniqueConstraint(
                fields=["audience_department"],
                name="policy_one_per_department",
                violation_error_message=_("There is already a policy for this department."),
            ),
            models.UniqueConstraint(
                fields=["audience_job_group"],
                name="policy_one_per_job_group",
                violation_error_message=_("There is already a policy for this job group."),
            ),
        ]

    def __str__(self):
        return f"{self.audience_label}: {self.hours_per_fte} / {self.get_period_display()}"


# What L&D staff edit on a learning moment: the form shows these and the services accept these.
MOMENT_FIELDS = (
    "title",
    "description",
    "audience",
    "rrule",
    "starts_on",
    "start_time",
    "timezone",
    "duration_minutes",
    "ends_on",
    "location",
    "online_url",
    "host",
    "suggested_item_ids",
    "suggested_content",
    "reminder_offsets",
    "active",
)


class LearningMoment(AudienceModel, TimestampedModel):
    """A recurring slot. `rrule` is an RFC 5545 RRULE body (no DTSTART/UNTIL/COUNT: the start is
    `starts_on` + `start_time` in `timezone`, the end is `ends_on`), expanded in local wall time."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    rrule = models.CharField(
        _("recurrence rule"),
        max_length=500,
        help_text=_("An RFC 5545 rule, e.g. <kbd>FREQ=WEEKLY;BYDAY=TU</kbd> or <kbd>FREQ=MONTHLY;BYDAY=1MO</kbd>."),
    )
    starts_on = models.DateField(_("first date"))
    start_time = models.TimeField(_("start time"), help_text=_("Local time in the moment's time zone."))
    timezone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIMEZONE)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(8 * 60)]
    )
    ends_on = models.DateField(_("last date"), null=True, blank=True, help_text=_("Leave empty for no end."))
    location = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    host = models.ForeignKey(
        Employee, verbose_name=_("host"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The catalog is built alongside; suggested items are kept as loose ids until it lands.
    suggested_item_ids = models.JSONField(_("suggested catalog items"), default=list, blank=True)
    suggested_content = models.CharField(_("suggested content"), max_length=500, blank=True)
    reminder_offsets = models.JSONField(
        _("reminders (minutes before)"), default=default_offsets, blank=True, help_text=_("For example 1440 and 15.")
    )
    active = models.BooleanField(_("active"), default=True)
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("learning moment")
        verbose_name_plural = _("learning moments")
        ordering = ["title", "pk"]
        constraints = [
            audience_check(),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="moment_ends_after_start",
                violation_error_message=_("The last date cannot lie before the first date."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        from .recurrence import validate_rule

        if self.timezone not in available_timezones():
            raise ValidationError({"timezone": _("Unknown time zone.")})
        if self.rrule:
            self.rrule = validate_rule(self.rrule)
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last date cannot lie before the first date.")})

    @property
    def in_words(self) -> str:
        """The recurrence as people read it: "Every Tuesday 15:00–15:30"."""
        from .words import recurrence_in_words

        return recurrence_in_words(self)

    @property
    def offsets(self) -> list[int]:
        return sorted({int(m) for m in (self.reminder_offsets or [])}, reverse=True)


class OccurrenceOverride(TimestampedModel):
    """One occurrence, identified by its original start, cancelled or moved."""

    moment = models.ForeignKey(LearningMoment, on_delete=models.CASCADE, related_name="overrides")
    original_start = models.DateTimeField(_("original start"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    new_start = models.DateTimeField(_("new start"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("changed occurrence")
        verbose_name_plural = _("changed occurrences")
        constraints = [
            models.UniqueConstraint(fields=["moment", "original_start"], name="override_one_per_occurrence"),
            models.CheckConstraint(
                condition=Q(cancelled=True) | Q(new_start__isnull=False), name="override_cancels_or_moves"
            ),
        ]

    def __str__(self):
        return f"{self.moment} @ {self.original_start.isoformat()}"


class Attendance(models.Model):
    """An employee checked in to one occurrence; the minutes count toward learning hours."""

    moment = models.ForeignKey(LearningMoment, on_delete=models.CASCADE, related_name="attendances")
    occurrence_start = models.DateTimeField(_("occurrence"))
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="moment_attendances")
    minutes = models.PositiveIntegerField(_("minutes"))
    checked_in_at = models.DateTimeField(_("checked in at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["moment", "occurrence_start", "employee"], name="attendance_once_per_occurrence"
            )
        ]
        indexes = [models.Index(fields=["employee", "occurrence_start"])]

    def __str__(self):
        return f"{self.employee} @ {self.moment}"


class MomentMute(models.Model):
    moment = models.ForeignKey(LearningMoment, on_delete=models.CASCADE, related_name="mutes")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="moment_mutes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("muted moment")
        verbose_name_plural = _("muted moments")
        constraints = [models.UniqueConstraint(fields=["moment", "employee"], name="mute_once")]

    def __str__(self):
        return f"{self.employee_id} mutes {self.moment_id}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """An employee's private iCalendar feed; the token is the only key, and can be reset."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    reset_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"feed of {self.employee_id}"


class ReminderStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped")


class ReminderRun(models.Model):
    """The claim on one (occurrence, offset): inserted once, so a second beat tick finds it taken."""

    moment = models.ForeignKey(LearningMoment, on_delete=models.CASCADE, related_name="reminder_runs")
    occurrence_start = models.DateTimeField(help_text="The occurrence's original start (its identity).")
    offset_minutes = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=ReminderStatus.choices, default=ReminderStatus.CLAIMED)
    reason = models.CharField(max_length=100, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reminder run")
        verbose_name_plural = _("reminder runs")
        constraints = [
            models.UniqueConstraint(
                fields=["moment", "occurrence_start", "offset_minutes"], name="reminder_once_per_occurrence_offset"
            )
        ]
        indexes = [models.Index(fields=["status", "claimed_at"])]

    def __str__(self):
        return f"{self.moment_id}:{self.occurrence_start.isoformat()}:{self.offset_minutes}"


class KeptHours(models.Model):
    """L&D's hours per scope (selectors.hours_per_scope: per governing policy, its people, target,
    hours and how many are on track) as worked out on `day`, kept by the frequent task so the
    moments' manage page need not sum everyone's hours on every request. One row: an older day's
    goes when a newer one is kept. `scopes`: [{"policy": pk or null, "people": n, "target":
    "decimal", "hours": "decimal", "on_track": n}]; `policies`: [[pk, updated_at], ...] of every
    policy when they were worked out (selectors.policies_version): a policy saved or deleted since
    makes them stale, as it changes who it governs."""

    day = models.DateField(_("day"), unique=True)
    scopes = models.JSONField(_("scopes"))
    policies = models.JSONField(_("policies"))
    taken_at = models.DateTimeField(_("worked out at"))

    class Meta:
        verbose_name = _("kept hours per scope")
        verbose_name_plural = _("kept hours per scope")

    def __str__(self):
        return f"hours per scope on {self.day}"
