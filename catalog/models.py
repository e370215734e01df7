"""The learning offer (items, sessions, skills, mandatory rules) and enrolments in it."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from people import formatting
from people.audience import AudienceModel, audience_check
from people.models import Department, EducationLevel, Employee, JobGroup, TimestampedModel


class Format(models.TextChoices):
    ELEARNING = "elearning", _("E-learning")
    CLASSROOM = "classroom", _("Classroom")
    WEBINAR = "webinar", _("Webinar")
    COACHING = "coaching", _("Coaching")
    MENTORING = "mentoring", _("Mentoring")
    MICRO = "micro", _("Micro-learning")
    VIDEO = "video", _("Video")
    PODCAST = "podcast", _("Podcast")
    READING = "reading", _("Reading")
    ON_THE_JOB = "on_the_job", _("On-the-job assignment")
    PEER = "peer", _("Peer learning")
    CONFERENCE = "conference", _("Conference")


# Formats that happen on a date: they have sessions with seats.
DATED_FORMATS = frozenset({Format.CLASSROOM, Format.WEBINAR, Format.CONFERENCE})
LEVELS = [value for value, _label in EducationLevel.choices]
# Short names for sentences ("no item suits the basic level").
LEVEL_SHORT = {
    "basic": _("basic"),
    "secondary": _("secondary"),
    "bachelor": _("bachelor"),
    "master": _("master"),
}


class Language(models.TextChoices):
    NL = "nl", _("Dutch")
    EN = "en", _("English")
    DE = "de", _("German")
    MULTI = "multi", _("Several languages")


class Delivery(models.TextChoices):
    ONLINE = "online", _("Online")
    ON_SITE = "on_site", _("On site")
    BLENDED = "blended", _("Online and on site")


class Skill(models.Model):
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="skill_name_unique_ci")]

    def __str__(self):
        return self.name


# What L&D staff and providers write for an item, in the order people read it: the model's own
# fields plus `levels` (the level_* flags as a list of EducationLevel values) and `skills` (names,
# made into tags). The form, the serializers, the import and the services all take these.
ITEM_FIELDS = (
    "title",
    "description",
    "provider",
    "provider_key",
    "format",
    "levels",
    "language",
    "duration_hours",
    "cost",
    "skills",
    "delivery",
    "url",
    "active",
)


class LearningItem(TimestampedModel):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    provider = models.CharField(_("provider"), max_length=120, blank=True)
    provider_key = models.CharField(
        _("provider's key"), max_length=100, blank=True, help_text=_("The provider's own id, used by imports.")
    )
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    # One flag per education level: cheap to filter, count and index, on SQLite and PostgreSQL alike.
    level_basic = models.BooleanField(_("suits basic level"), default=False)
    level_secondary = models.BooleanField(_("suits secondary level"), default=False)
    level_bachelor = models.BooleanField(_("suits bachelor level"), default=False)
    level_master = models.BooleanField(_("suits master level"), default=False)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.NL)
    duration_hours = models.DecimalField(
        _("duration (hours)"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )
    cost = models.DecimalField(
        _("cost (EUR)"), max_digits=9, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True, related_name="items")
    delivery = models.CharField(_("online or on site"), max_length=8, choices=Delivery.choices, default=Delivery.ONLINE)
    url = models.URLField(_("link"), blank=True)
    active = models.BooleanField(_("active"), default=True, db_index=True)

    class Meta:
        verbose_name = _("learning item")
        verbose_name_plural = _("learning items")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_key"],
                condition=~models.Q(provider_key=""),
                name="item_provider_key_unique",
                violation_error_message=_("This provider already has an item with this key."),
            ),
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="item_cost_not_negative"),
            models.CheckConstraint(condition=models.Q(duration_hours__gt=0), name="item_duration_positive"),
            models.CheckConstraint(
                condition=models.Q(level_basic=True)
                | models.Q(level_secondary=True)
                | models.Q(level_bachelor=True)
                | models.Q(level_master=True),
                name="item_suits_some_level",
                violation_error_message=_("Choose at least one education level the item suits."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def levels(self) -> list[str]:
        return [level for level in LEVELS if getattr(self, f"level_{level}")]

    @property
    def level_labels(self) -> list[str]:
        return [str(EducationLevel(level).label) for level in self.levels]

    def suits(self, level: str) -> bool:
        return bool(getattr(self, f"level_{level}", False))

    @property
    def is_dated(self) -> bool:
        return self.format in DATED_FORMATS

    @property
    def is_free(self) -> bool:
        return self.cost == 0


class Session(TimestampedModel):
    item = models.ForeignKey(
        LearningItem, verbose_name=_("learning item"), on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    seats = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    # Cancelled sessions stay (bookings point at them) but are no longer offered.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session cannot end before it starts."),
            ),
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="session_has_seats"),
        ]

    def __str__(self):
        return f"{self.item} · {formatting.moment(self.starts_at)}"


class JobGroupSkill(models.Model):
    """A skill a job group needs, so the offer can be matched to the work."""

    job_group = models.ForeignKey(
        JobGroup, verbose_name=_("job group"), on_delete=models.CASCADE, related_name="needed_skills"
    )
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="job_groups")

    class Meta:
        verbose_name = _("skill a job group needs")
        verbose_name_plural = _("skills job groups need")
        constraints = [models.UniqueConstraint(fields=["job_group", "skill"], name="job_group_skill_unique")]

    def __str__(self):
        return f"{self.job_group}: {self.skill}"


# What L&D staff and the API write for a mandatory rule; the services take these.
RULE_FIELDS = ("item", "audience", "starts_on", "due_days", "renewal_months", "active")


class MandatoryRule(AudienceModel, TimestampedModel):
    """An item its audience must complete, within `due_days` of the rule coming into force (or of
    being hired), again every `renewal_months` when set."""

    item = models.ForeignKey(
        LearningItem, verbose_name=_("learning item"), on_delete=models.CASCADE, related_name="mandatory_rules"
    )
    starts_on = models.DateField(_("in force from"))
    due_days = models.PositiveIntegerField(
        _("due within (days)"), help_text=_("Days after the rule comes into force, or after someone is hired.")
    )
    renewal_months = models.PositiveIntegerField(
        _("renew every (months)"), null=True, blank=True, help_text=_("Leave empty for a one-off requirement.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("mandatory rule")
        verbose_name_plural = _("mandatory rules")
        constraints = [audience_check()]

    def __str__(self):
        return f"{self.item} · {self.audience_label}"


class LearningProfile(TimestampedModel):
    """What an employee says they want to learn and how; the surveys app may fill it later."""

    employee = models.OneToOneField(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="learning_profile"
    )
    needs = models.ManyToManyField(Skill, verbose_name=_("what I want to learn"), blank=True)
    preferred_formats = models.JSONField(_("preferred formats"), default=list, blank=True)

    class Meta:
        verbose_name = _("learning profile")
        verbose_name_plural = _("learning profiles")

    def __str__(self):
        return str(self.employee)


class CatalogSettings(models.Model):
    """One row: the organisation's catalog settings, editable by L&D staff."""

    approval_threshold = models.DecimalField(
        _("automatic approval below (EUR)"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("100.00"),
        validators=[MinValueValidator(0)],
        help_text=_("Requests that cost less than this are approved without a manager. 0 means never."),
    )

    class Meta:
        verbose_name = _("catalog settings")
        verbose_name_plural = _("catalog settings")

    def __str__(self):
        return str(_("Catalog settings"))

    @classmethod
    def current(cls) -> "CatalogSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class Status(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (Status.REQUESTED, Status.APPROVED, Status.STARTED)
# Enrolments that hold a seat in a session.
SEAT_STATUSES = (Status.REQUESTED, Status.APPROVED, Status.STARTED, Status.COMPLETED)


class Source(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")


class Enrolment(TimestampedModel):
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="enrolments"
    )
    item = models.ForeignKey(
        LearningItem,
        verbose_name=_("learning item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session"), null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments"
    )
    # A request for external training that is not in the catalog.
    external_title = models.CharField(_("training"), max_length=200, blank=True)
    external_provider = models.CharField(_("provider"), max_length=120, blank=True)
    external_url = models.URLField(_("link"), blank=True)
    external_cost = models.DecimalField(_("cost (EUR)"), max_digits=9, decimal_places=2, null=True, blank=True)
    external_hours = models.DecimalField(_("duration (hours)"), max_digits=6, decimal_places=1, null=True, blank=True)
    external_starts_on = models.DateField(_("starts on"), null=True, blank=True)
    external_ends_on = models.DateField(_("ends on"), null=True, blank=True)

    motivation = models.TextField(_("motivation"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    routed_to_ld = models.BooleanField(
        _("with L&D staff"), default=False, help_text=_("L&D staff decide instead of the manager.")
    )
    routing_note = models.CharField(_("why with L&D staff"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.CharField(_("comment"), max_length=500, blank=True)
    auto_approved = models.BooleanField(_("approved automatically"), default=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    helped_in_work = models.BooleanField(_("did it help in your work?"), null=True, blank=True)
    invoiced_amount = models.DecimalField(_("invoiced (EUR)"), max_digits=9, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.WEB)
    # Requested from a "for you" recommendation (monitoring's recommendation uptake).
    via_for_you = models.BooleanField(_("from “for you”"), default=False)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(item__isnull=False) | ~models.Q(external_title=""),
                name="enrolment_item_or_external",
                violation_error_message=_("An enrolment is for a catalog item or for an external training."),
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="enrolment_rating_range",
            ),
            # One open enrolment per person and item: a double click cannot book two seats.
            models.UniqueConstraint(
                fields=["employee", "item"],
                condition=models.Q(status__in=["requested", "approved", "started"], item__isnull=False),
                name="enrolment_one_open_per_item",
                violation_error_message=_("You already have an open enrolment for this item."),
            ),
        ]
        indexes = [
            models.Index(fields=["item", "status"], name="enrolment_item_status"),
            models.Index(fields=["employee", "status"], name="enrolment_employee_status"),
            # The approval pages list pending requests oldest first: without this they walked the
            # requested_at index past every decided enrolment (91,681 at 50,000 people).
            models.Index(
                fields=["requested_at", "id"], condition=models.Q(status="requested"), name="enrolment_pending_by_age"
            ),
        ]

    def __str__(self):
        return f"{self.employee} · {self.title}"

    # The names budgets relies on: cost, hours, title, employee, pk.
    @property
    def title(self) -> str:
        return self.item.title if self.item_id else self.external_title

    @property
    def cost(self) -> Decimal:
        if self.item_id:
            return self.item.cost
        return self.external_cost or Decimal("0")

    @property
    def hours(self) -> Decimal:
        if self.item_id:
            return self.item.duration_hours
        return self.external_hours or Decimal("0")

    @property
    def provider(self) -> str:
        return self.item.provider if self.item_id else self.external_provider

    @property
    def is_external(self) -> bool:
        return not self.item_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ItemDepartmentStat(models.Model):
    """Completions and ratings per item and department: refreshed nightly, kept current on completion,
    so "for you" reads one small table instead of aggregating enrolments on every page view."""

    item = models.ForeignKey(LearningItem, on_delete=models.CASCADE, related_name="department_stats")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    completions = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["department", "item"], name="item_department_stat_unique")]

    def __str__(self):
        return f"{self.item_id}@{self.department_id}: {self.completions}"

    @property
    def average_rating(self) -> Decimal | None:
        if not self.rating_count:
            return None
        return (Decimal(self.rating_sum) / self.rating_count).quantize(Decimal("0.1"))


def add_months(day, months: int):
    """The same day `months` later, clamped to the month's end."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


class CatalogVisit(models.Model):
    """That an employee opened the catalog on a day: one row a person a day, so monitoring can say
    what share of people looked at the offer (its catalog reach)."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="catalog_visits")
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("catalog visit")
        verbose_name_plural = _("catalog visits")
        constraints = [models.UniqueConstraint(fields=["employee", "day"], name="catalog_visit_once_a_day")]
        indexes = [models.Index(fields=["day", "employee"], name="catalog_visit_day")]

    def __str__(self):
        return f"{self.employee_id} {self.day}"
