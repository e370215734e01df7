"""Departments (a tree), job groups and employees, with the rules that keep the org chart sound."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import EmailAddressField, validate_single_line

MAX_FTE = Decimal("1.50")


class EducationLevel(models.TextChoices):
    BASIC = "basic", _("Basic (primary, vmbo)")
    SECONDARY = "secondary", _("Secondary (mbo, havo, vwo)")
    BACHELOR = "bachelor", _("Bachelor (hbo, university bachelor)")
    MASTER = "master", _("Master or higher")


class Locale(models.TextChoices):
    EN = "en", _("English")
    NL = "nl", _("Dutch")


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Department(TimestampedModel):
    external_id = models.CharField(_("HRIS key"), max_length=100, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.parent_id is None:
            return
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A department cannot be its own parent.")})
        # Below itself? One look at the closure table, however deep the tree.
        if self.pk and DepartmentClosure.objects.filter(ancestor_id=self.pk, descendant_id=self.parent_id).exists():
            raise ValidationError(
                {
                    "parent": _("%(parent)s lies below %(department)s; a department tree cannot loop.")
                    % {"parent": self.parent, "department": self}
                }
            )


class DepartmentClosure(models.Model):
    """The department tree as a closure table: one row for every department and each department
    above it (and itself, at depth 0). "Everyone in Sales and below" and "per department, its whole
    subtree" become plain joins, one query however deep the tree. Kept right by the people services
    on every tree change (people.services.department_tree_refresh); `manage.py people_check`
    verifies it."""

    ancestor = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="subtree_links")
    descendant = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="ancestor_links")
    depth = models.PositiveSmallIntegerField(help_text="Levels from the ancestor down to the descendant; 0 for itself.")

    class Meta:
        verbose_name = _("department subtree link")
        verbose_name_plural = _("department subtree links")
        constraints = [
            models.UniqueConstraint(fields=["ancestor", "descendant"], name="department_closure_unique"),
            models.CheckConstraint(
                condition=models.Q(depth=0, ancestor=models.F("descendant"))
                | (models.Q(depth__gt=0) & ~models.Q(ancestor=models.F("descendant"))),
                name="department_closure_self_at_zero",
            ),
        ]
        indexes = [models.Index(fields=["descendant", "ancestor"], name="department_closure_up")]

    def __str__(self):
        return f"{self.ancestor_id} > {self.descendant_id} ({self.depth})"


class JobGroup(TimestampedModel):
    external_id = models.CharField(_("HRIS key"), max_length=100, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])

    class Meta:
        verbose_name = _("job group")
        verbose_name_plural = _("job groups")
        ordering = ["name"]

    def __str__(self):
        return self.name


# What an employee record holds as forms, the API, the sync and imports write it, in the order
# people read it (the user account is linked by the accounts, not by these).
EMPLOYEE_FIELDS = (
    "external_id",
    "first_name",
    "last_name",
    "email",
    "department",
    "job_group",
    "manager",
    "education_level",
    "fte",
    "hired_on",
    "locale",
    "active",
)


class Employee(TimestampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )
    external_id = models.CharField(_("HRIS key"), max_length=100, unique=True, null=True, blank=True)
    first_name = models.CharField(_("first name"), max_length=150, validators=[validate_single_line])
    last_name = models.CharField(_("last name"), max_length=150, validators=[validate_single_line])
    email = EmailAddressField(_("e-mail address"), max_length=254)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
    )
    job_group = models.ForeignKey(
        JobGroup,
        verbose_name=_("job group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    education_level = models.CharField(
        _("education level"), max_length=16, choices=EducationLevel.choices, default=EducationLevel.SECONDARY
    )
    fte = models.DecimalField(
        _("FTE"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_FTE)],
        help_text=_("Part of a full-time week, above 0 and at most 1.5."),
    )
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    locale = models.CharField(_("language"), max_length=5, choices=Locale.choices, default=Locale.NL)
    active = models.BooleanField(_("active"), default=True, db_index=True)
    # When they left (set when deactivated, cleared when active again): erasure counts from here.
    deactivated_at = models.DateTimeField(_("left on"), null=True, blank=True, editable=False)
    # Set once their personal data is erased; the record stays, nameless, for the books.
    erased_at = models.DateTimeField(_("erased on"), null=True, blank=True, editable=False)
    # The identity provider's subject (OpenID Connect `sub`), set at the first sign-in.
    oidc_subject = models.CharField(
        _("identity provider subject"), max_length=255, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["last_name", "first_name"]
        # The directory's order. Its search is served by trigram indexes on PostgreSQL, made by
        # migration 0009 outside the model state (SQLite has no pg_trgm).
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="employee_name_order"),
            # Who manages someone ("managers only", the managers' audience counts): read from the
            # index alone, not the whole table (comms' preview at 50,000: docs/performance.md).
            models.Index(fields=["manager"], condition=models.Q(active=True), name="employee_active_reports"),
            # The active headcount of each department (people.selectors.active_headcount).
            models.Index(fields=["department"], condition=models.Q(active=True), name="employee_active_department"),
            # The people per job group and education level (the catalog's diversity page), counted
            # from the index alone.
            models.Index(
                fields=["job_group", "education_level"], condition=models.Q(active=True), name="employee_group_level"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="employee_email_unique_ci",
                violation_error_code="email_taken",
                violation_error_message=_("Another employee already uses this e-mail address."),
            ),
            models.CheckConstraint(
                condition=models.Q(fte__gt=0, fte__lte=MAX_FTE),
                name="employee_fte_range",
                violation_error_message=_("FTE must be above 0 and at most 1.5."),
            ),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("pk")),
                name="employee_not_own_manager",
                violation_error_message=_("An employee cannot be their own manager."),
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def clean_fields(self, exclude=None):
        if self.email:
            self.email = self.email.strip()
        super().clean_fields(exclude=exclude)

    def validate_constraints(self, exclude=None):
        """Report the case-insensitive e-mail clash on the e-mail field, where people look for it."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict({})
            general = errors.pop(NON_FIELD_ERRORS, [])
            for error in general:
                errors.setdefault("email" if error.code == "email_taken" else NON_FIELD_ERRORS, []).append(error)
            raise ValidationError(errors) from None

    def clean(self):
        super().clean()
        if self.manager_id is None:
            return
        if self.pk and self.manager_id == self.pk:
            raise ValidationError({"manager": _("An employee cannot be their own manager.")})
        if self.pk and self.pk in employee_manager_chain_ids(self.manager_id):
            raise ValidationError(
                {
                    "manager": _(
                        "%(manager)s reports to %(employee)s, directly or indirectly; a manager chain cannot loop."
                    )
                    % {"manager": self.manager, "employee": self}
                }
            )


class ReportingLine(models.Model):
    """The reporting lines as a closure table: one row for every employee and each manager above
    them, directly or not (and themself, at depth 0). "A manager's whole team" becomes one indexed
    join, however deep the organisation and however large the team. Kept right by the people
    services on every change of a manager (people.services.reporting_lines_refresh), the HRIS sync
    and the demo; `manage.py people_check` verifies it."""

    manager = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="team_links")
    member = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="manager_links")
    depth = models.PositiveSmallIntegerField(help_text="Levels from the manager down to the member; 0 for themself.")

    class Meta:
        verbose_name = _("reporting line")
        verbose_name_plural = _("reporting lines")
        constraints = [
            models.UniqueConstraint(fields=["manager", "member"], name="reporting_line_unique"),
            models.CheckConstraint(
                condition=models.Q(depth=0, manager=models.F("member"))
                | (models.Q(depth__gt=0) & ~models.Q(manager=models.F("member"))),
                name="reporting_line_self_at_zero",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "manager"], name="reporting_line_up"),
            # a team nearest first (direct reports, then the level below, ...): read in this order,
            # the first few of a team of fifty thousand need no sort of the whole team
            models.Index(fields=["manager", "depth"], name="reporting_line_by_depth"),
        ]

    def __str__(self):
        return f"{self.manager_id} > {self.member_id} ({self.depth})"


def _chain_ids(model, field: str, start_id: int) -> list[int]:
    """Ids from start_id up its chain, one query per level; stops on a loop already in the data."""
    chain, seen, current = [], set(), start_id
    while current is not None and current not in seen:
        seen.add(current)
        chain.append(current)
        current = model.objects.filter(pk=current).values_list(field, flat=True).first()
    return chain


def employee_manager_chain_ids(manager_id: int) -> list[int]:
    return _chain_ids(Employee, "manager_id", manager_id)


class RightsGrant(models.Model):
    """One right given or taken: staff, superuser, a group or a permission, for an account, by an
    administrator (`people.services.user_rights_set` writes every one; nothing else changes rights)."""

    class Right(models.TextChoices):
        STAFF = "staff", _("staff status")
        SUPERUSER = "superuser", _("superuser status")
        GROUP = "group", _("group")
        PERMISSION = "permission", _("permission")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="rights_grants"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rights_granted",
    )
    right = models.CharField(_("right"), max_length=12, choices=Right.choices)
    name = models.CharField(_("name"), max_length=255, blank=True)
    granted = models.BooleanField(_("granted"), help_text=_("False when the right was taken away."))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rights grant")
        verbose_name_plural = _("rights grants")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.user_id} {'+' if self.granted else '-'}{self.right} {self.name}".rstrip()


class AuditAction(models.TextChoices):
    """What an audit entry records. Stored as the value; the sentence is rendered when it is read."""

    ENROLMENT_APPROVED = "enrolment.approved", _("Enrolment approved")
    ENROLMENT_REJECTED = "enrolment.rejected", _("Enrolment rejected")
    BUDGET_ADJUSTED = "budget.adjusted", _("Budget adjusted")
    BUDGET_POLICY_SAVED = "budget_policy.saved", _("Budget policy saved")
    TIME_POLICY_SAVED = "time_policy.saved", _("Learning-time policy saved")
    TIME_POLICY_DELETED = "time_policy.deleted", _("Learning-time policy deleted")
    RIGHTS_CHANGED = "rights.changed", _("Rights changed")
    API_CLIENT_CREATED = "api_client.created", _("API client created")
    API_CLIENT_REVOKED = "api_client.revoked", _("API client revoked")
    API_WRITE = "api.write", _("Change through the API (HRIS sync, SCIM)")
    CSV_IMPORT = "hris.csv_import", _("People imported from CSV")
    SURVEY_ANONYMITY = "survey.anonymity", _("Survey anonymity set")
    GOAL_APPROVED = "goal.approved", _("Goal approved")
    GOAL_REJECTED = "goal.rejected", _("Goal rejected")
    PROGRAMME_REVIEWED = "programme.reviewed", _("Programme cycle reviewed")
    SPONSOR_MESSAGE_SENT = "sponsor.message_sent", _("Sponsor's message sent to an audience")
    EMPLOYEE_DEACTIVATED = "employee.deactivated", _("Employee deactivated")
    DATA_EXPORTED = "personal_data.exported", _("Personal data exported")
    PERSON_ERASED = "person.erased", _("Person erased")
    AUDIT_EXPORTED = "audit.exported", _("Audit log exported")
    AMBASSADOR_CHANGED = "ambassador.changed", _("Ambassador invited, appointed or ended")


class AuditEntry(models.Model):
    """One thing that changed money, rights or people: who, when, what, the object, the change and
    the reason. Append-only: nothing in the code updates or deletes a row, and on PostgreSQL the
    database refuses to (a trigger, migration 0010), but for erasure's scrubbing of typed text
    (migration 0015). Rows name people by id, never by name or e-mail; names are read from the live
    records when the entry is shown. `people.audit.audit_record` writes every one."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # No database constraint and no cascade: erasing an account never touches (or is blocked by) the trail.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("acting system"), max_length=120, blank=True)
    action = models.CharField(_("what"), max_length=40, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    subject = models.ForeignKey(
        Employee,
        verbose_name=_("about"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    changes = models.JSONField(_("change"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["subject", "at"], name="audit_subject"),
            models.Index(fields=["actor", "at"], name="audit_actor"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class ErasedKey(models.Model):
    """The HRIS key of an erased person, as a keyed hash (never the key): a later sync that still
    lists them as a leaver does not bring their data back (people.privacy)."""

    key_hash = models.CharField(max_length=64, unique=True)
    erased_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("erased HRIS key")
        verbose_name_plural = _("erased HRIS keys")

    def __str__(self):
        return self.key_hash[:12]
