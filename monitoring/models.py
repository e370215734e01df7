"""Monitoring's own data: nightly snapshots of every metric per scope, and the thresholds L&D staff
set for the traffic lights."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScopeKind:
    """What a snapshot is taken for: the organisation, a department's subtree or a job group. Not a
    choices class of its own: "who" is the audience's (people.audience.AudienceKind); these are
    only the scopes snapshots are kept for."""

    ORGANISATION = "organisation"
    DEPARTMENT = "department"
    JOB_GROUP = "job_group"
    choices = [(ORGANISATION, _("Organisation")), (DEPARTMENT, _("Department")), (JOB_GROUP, _("Job group"))]


class MetricSnapshot(models.Model):
    """A metric's value for a scope on a day, over the 365 days up to that day. The unique key makes
    a rerun, a retry or a second beat write nothing twice. `scope_id` is 0 for the organisation; a
    department or job group that is gone leaves its history (no foreign key)."""

    metric = models.CharField(_("metric"), max_length=40)
    scope_kind = models.CharField(_("scope"), max_length=12, choices=ScopeKind.choices)
    scope_id = models.PositiveIntegerField(_("scope id"), default=0)
    day = models.DateField(_("day"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=18, decimal_places=4)
    denominator = models.DecimalField(_("denominator"), max_digits=18, decimal_places=4)
    created_at = models.DateTimeField(_("taken at"), auto_now_add=True)

    class Meta:
        verbose_name = _("metric snapshot")
        verbose_name_plural = _("metric snapshots")
        constraints = [
            models.UniqueConstraint(fields=["metric", "scope_kind", "scope_id", "day"], name="snapshot_once_a_day"),
        ]
        indexes = [models.Index(fields=["scope_kind", "scope_id", "metric", "day"], name="snapshot_series")]

    def __str__(self):
        return f"{self.metric} {self.scope_kind}:{self.scope_id} {self.day} = {self.value}"


class Threshold(models.Model):
    """The traffic light of one metric as L&D staff set it (in the metric's unit). For a metric where
    higher is better: green from `green` up, amber from `amber` up, red below; the other way round
    for a metric where lower is better. Without a row the metric's documented default holds."""

    metric = models.CharField(_("metric"), max_length=40, unique=True)
    green = models.DecimalField(_("green from"), max_digits=10, decimal_places=2)
    amber = models.DecimalField(_("amber from"), max_digits=10, decimal_places=2)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")

    def __str__(self):
        return f"{self.metric}: {self.green} / {self.amber}"


class KeptFigures(models.Model):
    """The fact sums behind every fact-based metric over one period as on `as_of`, for the
    organisation and per department (its subtree), job group, education level and format, kept by
    the nightly task so that the dashboard and a department's page need not work them out on every
    request: the running year and month and the 365 days up to that night's day (the adoption
    pages'), as of that day, and each closed month and year once (as on its last day).
    `sums`: {grouping or "": {key or "": {fact: "decimal"}}}. A running period's older state is
    removed when a newer one is kept."""

    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    as_of = models.DateField(_("as on"))
    sums = models.JSONField(_("sums"))
    taken_at = models.DateTimeField(_("worked out at"))

    class Meta:
        verbose_name = _("kept figures")
        verbose_name_plural = _("kept figures")
        constraints = [models.UniqueConstraint(fields=["start", "end", "as_of"], name="kept_once_per_state")]

    def __str__(self):
        return f"{self.start}..{self.end} as on {self.as_of}"


class KeptPersonFacts(models.Model):
    """One person's own figures over a kept period (reports.PEOPLE_FACTS), kept with the period's
    sums for a running period, so that a download of every person of a department or a large team
    reads a row per person instead of working everyone's facts out (issue 21: 0.7 s of the
    statement at 50,000 people). Written by one INSERT ... SELECT of the fact engine; goes with its
    KeptFigures row."""

    # no index of its own: the unique key (kept, employee) starts with it
    kept = models.ForeignKey(
        KeptFigures, on_delete=models.CASCADE, related_name="people", db_index=False, verbose_name=_("kept")
    )
    employee = models.ForeignKey(
        "people.Employee", on_delete=models.CASCADE, related_name="+", verbose_name=_("employee")
    )
    began = models.PositiveIntegerField(_("trainings begun"))
    finished = models.PositiveIntegerField(_("trainings completed"))
    hours = models.DecimalField(_("learning hours"), max_digits=20, decimal_places=6)
    attended = models.PositiveIntegerField(_("attended a learning moment"))
    used = models.DecimalField(_("budget used"), max_digits=20, decimal_places=6)
    allocated = models.DecimalField(_("budget allocated"), max_digits=20, decimal_places=6)
    viewed_budget = models.PositiveIntegerField(_("looked at their budget"))

    class Meta:
        verbose_name = _("kept person's figures")
        verbose_name_plural = _("kept people's figures")
        constraints = [models.UniqueConstraint(fields=["kept", "employee"], name="kept_person_once")]

    def __str__(self):
        return f"{self.employee_id} in {self.kept_id}"
