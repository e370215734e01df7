"""Adoption programmes (issue 20): a pilot audience that runs the six steps in cycles; each cycle's
barrier figures frozen at its start for the pilot and a comparison group; the review at its end,
and the actions it decided, which carry into the next cycle until done."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.audience import AudienceKind, AudienceModel, audience_check
from people.models import Department, Employee

# The audiences monitoring keeps nightly snapshots for (a department's subtree, a job group), so
# the pilot's figures and the rest of the organisation's are read from the same snapshots. A
# programme starts small (step 1); "everyone" is no pilot and leaves no one to compare with.
PROGRAMME_AUDIENCE_KINDS = (AudienceKind.DEPARTMENT, AudienceKind.JOB_GROUP)


class Programme(AudienceModel):
    audience_kinds = PROGRAMME_AUDIENCE_KINDS

    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        Employee, verbose_name=_("owner (L&D)"), on_delete=models.PROTECT, related_name="programmes_owned"
    )
    sponsor = models.ForeignKey(
        Employee,
        verbose_name=_("sponsor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes_sponsored",
    )
    comparison_department = models.ForeignKey(
        Department,
        verbose_name=_("comparison group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty to compare with the rest of the organisation."),
    )
    goals = models.ManyToManyField("goals.Goal", verbose_name=_("goals"), blank=True, related_name="+")
    surveys = models.ManyToManyField("surveys.Survey", verbose_name=_("surveys"), blank=True, related_name="+")
    comms_plan = models.ForeignKey(
        "comms.CommunicationPlan",
        verbose_name=_("communication plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moments = models.ManyToManyField(
        "policy.LearningMoment", verbose_name=_("learning moments"), blank=True, related_name="+"
    )
    extended_from = models.ForeignKey(
        "self",
        verbose_name=_("extended from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="extensions",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("adoption programme")
        verbose_name_plural = _("adoption programmes")
        ordering = ["name", "pk"]
        constraints = [audience_check()]

    def __str__(self):
        return self.name


class Cycle(models.Model):
    """One round of the six steps. Its figures at the start are frozen in CycleFigure when it starts."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="cycles"
    )
    number = models.PositiveSmallIntegerField(_("cycle"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    baseline_day = models.DateField(_("figures at the start taken from"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="cycle_number_once"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="cycle_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.programme} · {self.number}"


class Group(models.TextChoices):
    PILOT = "pilot", _("Pilot")
    COMPARISON = "comparison", _("Comparison group")


class CycleFigure(models.Model):
    """A barrier metric of the pilot or the comparison group at the cycle's start: written once when
    the cycle starts, never edited (the live figure is read beside it)."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="figures")
    metric = models.CharField(_("metric"), max_length=40)
    group = models.CharField(_("group"), max_length=12, choices=Group.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=18, decimal_places=4)
    denominator = models.DecimalField(_("denominator"), max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = _("figure at the start")
        verbose_name_plural = _("figures at the start")
        constraints = [models.UniqueConstraint(fields=["cycle", "metric", "group"], name="cycle_figure_once")]

    def __str__(self):
        return f"{self.cycle}: {self.metric} ({self.group})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A cycle's figures at the start are never edited."))
        super().save(*args, **kwargs)


class Review(models.Model):
    cycle = models.OneToOneField(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="review")
    held_on = models.DateField(_("held on"))
    worked = models.TextField(_("what worked"), max_length=4000)
    did_not_work = models.TextField(_("what did not work"), max_length=4000)
    decisions = models.TextField(_("decisions"), max_length=4000, blank=True)
    by = models.ForeignKey(Employee, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return str(self.cycle)


class Action(models.Model):
    """Something a review decided, with an owner and a due date. Open until done; an open action
    shows in every later cycle. `reminded_at` is set once, by the run that reminds its owner."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="actions")
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="actions"
    )
    text = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        Employee, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="adoption_actions"
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("owner reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["due_on"], name="action_due", condition=models.Q(done_at__isnull=True))]

    def __str__(self):
        return self.text

    @property
    def is_open(self) -> bool:
        return self.done_at is None


class SponsorMessage(models.Model):
    """A short message a sponsor sent to the audience of a goal or programme they sponsor, through
    the delivery service. `key` comes with the form, so a second submit of the same form finds this
    row (the unique constraint) and sends nothing again."""

    key = models.UUIDField(_("key"), unique=True)
    sender = models.ForeignKey(Employee, verbose_name=_("sponsor"), on_delete=models.PROTECT, related_name="+")
    goal = models.ForeignKey(
        "goals.Goal", verbose_name=_("goal"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sponsor_messages",
    )
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("message"), max_length=2000)
    recipients = models.PositiveIntegerField(_("people reached"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sponsor's message")
        verbose_name_plural = _("sponsor's messages")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(goal__isnull=True, programme__isnull=False)
                | models.Q(goal__isnull=False, programme__isnull=True),
                name="sponsor_message_one_target",
            )
        ]

    def __str__(self):
        return self.subject
