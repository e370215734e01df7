"""Goals (issue 16): a measurable goal for an audience on one of monitoring's metrics, its baseline
captured at submission, a target and a deadline, approved by a sponsor; and the log of every
transition it went through, which is written once and never edited."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.audience import AudienceKind, AudienceModel, audience_check
from people.models import Employee


class GoalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for the sponsor")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    MISSED = "missed", _("Missed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The audiences monitoring keeps nightly snapshots for, so progress is read, never recomputed:
# the organisation, a department (its subtree) or a job group. Step 1 says start small anyway.
GOAL_AUDIENCE_KINDS = (AudienceKind.DEPARTMENT, AudienceKind.JOB_GROUP, AudienceKind.EVERYONE)


class Sponsor(models.Model):
    """Someone L&D staff marked as a sponsor. Managers are sponsors without a mark."""

    employee = models.OneToOneField(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="sponsor_mark"
    )
    marked_by = models.ForeignKey(
        Employee, verbose_name=_("marked by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")

    def __str__(self):
        return str(self.employee)


class Goal(AudienceModel):
    audience_kinds = GOAL_AUDIENCE_KINDS

    title = models.CharField(_("title"), max_length=200)
    why = models.TextField(_("why it matters for the work"), max_length=1000)
    metric = models.CharField(_("metric"), max_length=40)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=4, null=True, blank=True)
    baseline_on = models.DateField(_("baseline taken on"), null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)
    deadline = models.DateField(_("deadline"))
    owner = models.ForeignKey(Employee, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="goals_owned")
    sponsor = models.ForeignKey(
        Employee, verbose_name=_("sponsor"), on_delete=models.PROTECT, related_name="goals_sponsored"
    )
    surveys = models.ManyToManyField(
        "surveys.Survey", verbose_name=_("surveys that informed it"), blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.DRAFT)
    started_on = models.DateField(_("active since"), null=True, blank=True)
    # At risk: the trend says the target will be missed. `risk_told_at` is set once, by the run
    # that told the owner and sponsor; a goal that recovers and slips again is not told twice.
    at_risk = models.BooleanField(_("at risk"), default=False)
    risk_checked_on = models.DateField(_("risk checked on"), null=True, blank=True)
    risk_told_at = models.DateTimeField(_("owner and sponsor told of the risk at"), null=True, blank=True)
    final_value = models.DecimalField(_("final figure"), max_digits=14, decimal_places=4, null=True, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["deadline", "pk"]
        constraints = [
            audience_check(),
            models.CheckConstraint(condition=~models.Q(owner=models.F("sponsor")), name="goal_sponsor_not_owner"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(baseline_on__isnull=False),
                name="goal_baseline_once_submitted",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="goal_status_deadline")]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (GoalStatus.DRAFT, GoalStatus.SUBMITTED, GoalStatus.APPROVED, GoalStatus.ACTIVE)


class GoalTransition(models.Model):
    """One step in a goal's life: from which status to which, who took it (None: the system, at the
    deadline), when, and the comment. Appended once, never edited or deleted (save and delete refuse,
    the admin shows it read-only, and the database refuses updates of it: see the migration)."""

    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=12, choices=GoalStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=GoalStatus.choices)
    by = models.ForeignKey(
        Employee, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)  # the demo's history is written in the past
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    figure = models.DecimalField(_("figure"), max_digits=14, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("goal transition")
        verbose_name_plural = _("goal transitions")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "to_status"],
                condition=models.Q(to_status__in=["approved", "rejected", "achieved", "missed", "withdrawn"]),
                name="goal_decided_once",
            )
        ]

    def __str__(self):
        return f"{self.goal_id}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A goal's history is never edited."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A goal's history is never deleted."))
