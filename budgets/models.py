"""Budget policies, per-employee budgets per period, and the append-only ledger behind them.

The `Budget` row is a denormalised balance of its ledger, updated in the same transaction as each
entry under a row lock; its CheckConstraint (committed + spent <= allocated) is the last line
against overspending. `manage.py budgets_check` recomputes every balance from the ledger.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from people import formatting
from people.audience import AudienceKind, AudienceModel, audience_check

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value) -> Decimal:
    """Round money to cents, half up: the one rounding rule used everywhere."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class CarryOver(models.TextChoices):
    NONE = "none", _("None: what is left expires")
    UP_TO = "up_to", _("Up to an amount")
    ALL = "all", _("All of it")


class OverBudget(models.TextChoices):
    REFUSE = "refuse", _("Refuse the approval")
    ROUTE_TO_LD = "route_to_ld", _("Route to L&D staff for an exception")


class BudgetPolicy(AudienceModel):
    """How much each employee in its audience gets per period. The most specific policy for an
    employee wins: department and job group together, then job group, then the deepest department,
    then everyone (budgets.services.PolicyResolver)."""

    audience_kinds = (
        AudienceKind.EVERYONE,
        AudienceKind.DEPARTMENT,
        AudienceKind.JOB_GROUP,
        AudienceKind.DEPARTMENT_JOB_GROUP,
    )

    name = models.CharField(_("name"), max_length=200)
    amount = models.DecimalField(
        _("amount per period (EUR)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
        help_text=_("For one full-time employee for a whole period."),
    )
    hours = models.DecimalField(
        _("learning hours per period"),
        max_digits=7,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    period_start = models.DateField(
        _("first period starts on"), help_text=_("Periods repeat from this date, e.g. 1 January for calendar years.")
    )
    period_months = models.PositiveSmallIntegerField(
        _("period length in months"), default=12, validators=[MinValueValidator(1)]
    )
    pro_rata = models.BooleanField(_("pro rata by FTE and hire date"), default=True)
    carry_over = models.CharField(_("carry-over"), max_length=8, choices=CarryOver.choices, default=CarryOver.NONE)
    carry_over_limit = models.DecimalField(
        _("carry-over limit (EUR)"),
        max_digits=10,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Only for carry-over up to an amount."),
    )
    grace_days = models.PositiveSmallIntegerField(
        _("days the budget stays usable after its period"),
        default=0,
        help_text=_("The budget expires this many days after its period ends."),
    )
    over_budget = models.CharField(
        _("when an approval exceeds the budget"), max_length=12, choices=OverBudget.choices, default=OverBudget.REFUSE
    )
    reminder_days = models.CharField(
        _("reminders (days before expiry)"),
        max_length=100,
        default="90,30,7",
        blank=True,
        help_text=_("Comma-separated numbers of days, e.g. 90,30,7. Leave empty for no reminders."),
    )
    spend_on = models.TextField(_("what the budget may be spent on"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("budget policy")
        verbose_name_plural = _("budget policies")
        ordering = ["name"]
        constraints = [
            audience_check(),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_policy_amount_not_negative"),
            models.CheckConstraint(condition=Q(period_months__gte=1), name="budget_policy_period_positive"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        try:
            self.reminder_day_list()
        except ValueError:
            errors["reminder_days"] = _("Enter whole numbers of days separated by commas, e.g. 90,30,7.")
        if self.carry_over == CarryOver.UP_TO and not self.carry_over_limit:
            errors["carry_over_limit"] = _("Enter the most that may be carried over.")
        if errors:
            raise ValidationError(errors)

    def reminder_day_list(self) -> list[int]:
        days = sorted({int(part) for part in self.reminder_days.replace(" ", "").split(",") if part}, reverse=True)
        if any(d < 0 for d in days):
            raise ValueError("negative")
        return days


class Budget(models.Model):
    """One employee's budget for one period: the running balance of its ledger entries."""

    employee = models.ForeignKey(
        "people.Employee", verbose_name=_("employee"), on_delete=models.PROTECT, related_name="budgets"
    )
    policy = models.ForeignKey(BudgetPolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="budgets")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), help_text=_("The last day of the period."))
    expires_on = models.DateField(_("expires on"), db_index=True)
    allocated = models.DecimalField(_("allocated"), max_digits=12, decimal_places=2, default=ZERO)
    committed = models.DecimalField(_("committed"), max_digits=12, decimal_places=2, default=ZERO)
    spent = models.DecimalField(_("spent"), max_digits=12, decimal_places=2, default=ZERO)
    hours_allocated = models.DecimalField(_("learning hours"), max_digits=9, decimal_places=2, default=ZERO)
    hours_used = models.DecimalField(_("hours used"), max_digits=9, decimal_places=2, default=ZERO)
    # The exact (unrounded) pro-rata entitlement; allocations always sum to it rounded to cents.
    entitlement = models.DecimalField(max_digits=20, decimal_places=10, default=Decimal(0))
    hours_entitlement = models.DecimalField(max_digits=20, decimal_places=10, default=Decimal(0))
    # What the entitlement is based on right now (full-period amount x FTE), for re-allocation.
    basis_amount = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal(0))
    basis_hours = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal(0))
    # The hire date the entitlement was prorated from: a corrected hire date re-prorates it.
    basis_hired_on = models.DateField(null=True, blank=True)
    first_viewed_at = models.DateTimeField(_("first viewed by the employee"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["-period_start", "employee_id"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "period_start"], name="budget_one_per_employee_period"),
            models.CheckConstraint(
                condition=Q(allocated__gte=F("committed") + F("spent")),
                name="budget_available_not_negative",
                violation_error_message=_("The budget cannot go below zero."),
            ),
            models.CheckConstraint(
                condition=Q(committed__gte=0, spent__gte=0), name="budget_committed_spent_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["period_start", "period_end"]),
            # the default order's own index: a list of budgets (the admin's) reads its first page
            # instead of sorting every budget there is
            models.Index(fields=["-period_start", "employee"], name="budget_newest_first"),
        ]

    def __str__(self):
        return f"{self.employee} {formatting.day(self.period_start)}"

    @property
    def available(self) -> Decimal:
        return self.allocated - self.committed - self.spent

    @property
    def used(self) -> Decimal:
        return self.committed + self.spent

    @property
    def utilisation(self) -> Decimal | None:
        if not self.allocated:
            return None
        return (self.used * 100 / self.allocated).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


class EntryKind(models.TextChoices):
    ALLOCATION = "allocation", _("Allocation")
    COMMITMENT = "commitment", _("Commitment")
    RELEASE = "release", _("Release")
    SPEND = "spend", _("Spend")
    ADJUSTMENT = "adjustment", _("Adjustment")
    EXPIRY = "expiry", _("Expiry")
    CARRY_OVER = "carry_over", _("Carry-over")


class LedgerEntry(models.Model):
    """One append-only movement. Each entry says how it changes allocated, committed, spent and
    hours; the budget's balance is the sum. Never edited or deleted: a correction is a new entry."""

    budget = models.ForeignKey(Budget, verbose_name=_("budget"), on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    allocated = models.DecimalField(_("allocated change"), max_digits=12, decimal_places=2, default=ZERO)
    committed = models.DecimalField(_("committed change"), max_digits=12, decimal_places=2, default=ZERO)
    spent = models.DecimalField(_("spent change"), max_digits=12, decimal_places=2, default=ZERO)
    hours_allocated = models.DecimalField(_("hours change"), max_digits=9, decimal_places=2, default=ZERO)
    hours_used = models.DecimalField(_("hours used change"), max_digits=9, decimal_places=2, default=ZERO)
    # The catalog's enrolment, by id only: budgets must not import the catalog.
    enrolment_id = models.BigIntegerField(_("enrolment"), null=True, blank=True, db_index=True)
    # A unique key per (what, whom, when) makes re-running allocation, expiry or carry-over a no-op.
    key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["created_at", "pk"]
        constraints = [
            # A double click or a retried task never commits, releases or spends twice.
            models.UniqueConstraint(
                fields=["enrolment_id"], condition=Q(kind="commitment"), name="ledger_one_commitment_per_enrolment"
            ),
            models.UniqueConstraint(
                fields=["enrolment_id"], condition=Q(kind="release"), name="ledger_one_release_per_enrolment"
            ),
            models.UniqueConstraint(
                fields=["enrolment_id"], condition=Q(kind="spend"), name="ledger_one_spend_per_enrolment"
            ),
            models.CheckConstraint(
                condition=~Q(kind="adjustment") | ~Q(reason=""), name="ledger_adjustment_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.budget_id}"

    @property
    def text(self) -> str:
        """What happened, in the reader's language: entries the system writes say it by their kind
        (the stored `description` keeps the writer's language); the others name their training."""
        if self.kind == EntryKind.ALLOCATION:
            return str(_("Allocation for the period"))
        if self.kind == EntryKind.EXPIRY:
            return str(_("Expired"))
        if self.kind == EntryKind.ADJUSTMENT:
            return str(_("Adjustment"))
        if self.kind == EntryKind.CARRY_OVER:
            if self.allocated > 0:
                return str(_("Carried over from the previous period"))
            return str(_("Carried over to the next period"))
        return self.description

    @property
    def amount(self) -> Decimal:
        """The entry's effect on what is available."""
        return self.allocated - self.committed - self.spent


class ReminderSent(models.Model):
    """One row per budget and reminder moment, claimed before sending so no reminder goes twice."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)
    channel = models.CharField(max_length=20, default="email")

    class Meta:
        verbose_name = _("budget reminder")
        verbose_name_plural = _("budget reminders")
        constraints = [models.UniqueConstraint(fields=["budget", "days_before"], name="reminder_once_per_moment")]

    def __str__(self):
        return f"{self.budget_id} -{self.days_before}d"
