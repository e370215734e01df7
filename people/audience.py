"""The audience: "who does this apply to", written once for every app.

An audience is one of six kinds (AudienceKind) with the department, job group or manager the kind
needs. A model that is aimed at people inherits `AudienceModel` (four fields, one check constraint,
one clean); code passes the value `Audience` around; the selectors below turn it into people:

- `employees_in(audience)`: a queryset (one SQL query, usable as a subquery in other aggregates);
- `audience_contains(audience, employee)` and `AudienceMatcher` for many employees at once;
- `audiences_containing(queryset, employee)`: the rows of an audience model that include someone;
- `audience_size`, `audience_overlap`, `narrower`, `overlaps`.

The department subtree comes from the closure table (`people.models.DepartmentClosure`), so every
one of these is a fixed number of queries however deep the tree and however large the audience.
The form field (`people.forms.AudienceField`) and the API field (`people.api.AudienceSerializer`)
read and write the same value. docs/architecture.md shows a model adopting it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import ClassVar, NamedTuple, Protocol

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Department, DepartmentClosure, Employee, JobGroup, ReportingLine
from .reporting import team_member_ids


class AudienceKind(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    DEPARTMENT = "department", _("A department and its sub-departments")
    JOB_GROUP = "job_group", _("A job group")
    DEPARTMENT_JOB_GROUP = "department_job_group", _("A job group within a department")
    MANAGERS = "managers", _("Managers only")
    TEAM = "team", _("A manager's whole team")


PARTS = ("department", "job_group", "manager")

# The parts each kind needs; the others stay empty.
NEEDS: dict[str, frozenset[str]] = {
    AudienceKind.EVERYONE: frozenset(),
    AudienceKind.DEPARTMENT: frozenset({"department"}),
    AudienceKind.JOB_GROUP: frozenset({"job_group"}),
    AudienceKind.DEPARTMENT_JOB_GROUP: frozenset({"department", "job_group"}),
    AudienceKind.MANAGERS: frozenset(),
    AudienceKind.TEAM: frozenset({"manager"}),
}
ALL_KINDS: tuple[str, ...] = tuple(AudienceKind.values)
UNSET = ""  # an audience not chosen yet (only where a model allows it): reaches nobody


def _pk(value) -> int | None:
    return getattr(value, "pk", value)


@dataclass(frozen=True)
class Audience:
    """An audience as a value: its kind and the ids of the parts that kind needs. Hashable."""

    kind: str
    department_id: int | None = None
    job_group_id: int | None = None
    manager_id: int | None = None

    @classmethod
    def of(cls, kind: str, *, department=None, job_group=None, manager=None) -> "Audience":
        """From model instances or ids; the parts the kind does not use are dropped."""
        needs = NEEDS.get(kind, frozenset())
        given = {"department": department, "job_group": job_group, "manager": manager}
        return cls(kind, **{f"{part}_id": _pk(given[part]) if part in needs else None for part in PARTS})

    @property
    def is_set(self) -> bool:
        return self.kind != UNSET


EVERYONE = Audience(AudienceKind.EVERYONE)


# --- validation and the label -------------------------------------------------------------------


def audience_problems(
    kind: str,
    *,
    department: Department | None = None,
    job_group: JobGroup | None = None,
    manager: Employee | None = None,
    kinds: Iterable[str] = ALL_KINDS,
    optional: bool = False,
) -> dict[str, str]:
    """What is wrong with an audience, part by part ("kind", "department", "job_group", "manager");
    empty when it is sound. The one validation behind the model, the form field and the API field.
    Parts the kind does not need are not checked (they are dropped)."""
    if kind in (None, UNSET):
        return {} if optional else {"kind": gettext("Choose who this applies to.")}
    if kind not in NEEDS or kind not in tuple(kinds):
        return {"kind": gettext("This audience cannot be chosen here.")}
    problems = {}
    needs = NEEDS[kind]
    if "department" in needs and department is None:
        problems["department"] = gettext("Choose the department (its sub-departments are included).")
    if "job_group" in needs and job_group is None:
        problems["job_group"] = gettext("Choose the job group.")
    if "manager" in needs:
        if manager is None:
            problems["manager"] = gettext("Choose the manager whose team it is.")
        elif not manager.active:
            problems["manager"] = gettext("%(name)s no longer works here; choose an active manager.") % {
                "name": manager.full_name
            }
    return problems


def _describe(kind: str, department=None, job_group=None, manager=None) -> str:
    """The sentence a reader sees, in the active language; parts as names (or objects)."""
    values = {"department": department, "job_group": job_group, "manager": manager}
    if kind == AudienceKind.EVERYONE:
        return gettext("Everyone")
    if kind == AudienceKind.DEPARTMENT:
        return gettext("%(department)s and its sub-departments") % values
    if kind == AudienceKind.JOB_GROUP:
        return gettext("%(job_group)s in every department") % values
    if kind == AudienceKind.DEPARTMENT_JOB_GROUP:
        return gettext("%(department)s and its sub-departments · %(job_group)s") % values
    if kind == AudienceKind.MANAGERS:
        return gettext("Managers only")
    if kind == AudienceKind.TEAM:
        return gettext("The team of %(manager)s") % values
    return gettext("Nobody chosen yet")


def audience_label(audience: Audience) -> str:
    """The label of an audience value, e.g. "Sales and its sub-departments · Engineers", in the
    active language. Reads the names it needs (one small query per part). On a model instance use
    its `audience_label` property, free with `select_related(*AUDIENCE_RELATED)`."""
    department = Department.objects.filter(pk=audience.department_id).first() if audience.department_id else None
    job_group = JobGroup.objects.filter(pk=audience.job_group_id).first() if audience.job_group_id else None
    manager = Employee.objects.filter(pk=audience.manager_id).first() if audience.manager_id else None
    return _describe(audience.kind, department, job_group, manager)


# --- the model ------------------------------------------------------------------------------------


def audience_check(*, optional: bool = False) -> models.CheckConstraint:
    """The database's guard: each kind has exactly the parts it needs. `optional` also allows an
    audience not chosen yet (kind "" and no parts). Every AudienceModel lists it (a system check
    fails at start-up when one does not)."""

    def exactly(kind: str, needs: frozenset[str]) -> Q:
        return Q(audience_kind=kind, **{f"audience_{part}__isnull": part not in needs for part in PARTS})

    condition = reduce(or_, (exactly(kind, needs) for kind, needs in NEEDS.items()))
    if optional:
        condition |= exactly(UNSET, frozenset())
    return models.CheckConstraint(
        condition=condition,
        name="%(app_label)s_%(class)s_audience",
        violation_error_message=_(
            "Choose the department, job group or manager that the audience needs, and only that."
        ),
    )


def audience_kind_field(*, blank: bool = False) -> models.CharField:
    return models.CharField(
        _("audience"),
        max_length=24,
        choices=AudienceKind.choices,
        blank=blank,
        default=UNSET if blank else AudienceKind.EVERYONE,
    )


class AudienceModel(models.Model):
    """Who a row applies to. Inherit it, list `audience_check()` in your Meta.constraints when you
    declare your own, and narrow `audience_kinds` when your rules only make sense for some kinds.
    Services take an `Audience` and assign it: `obj.audience = audience`; `full_clean()` validates
    it. A model that may hold an audience not chosen yet sets `audience_optional = True`, overrides
    `audience_kind = audience_kind_field(blank=True)` and lists `audience_check(optional=True)`."""

    audience_kinds: ClassVar[tuple[str, ...]] = ALL_KINDS
    audience_optional: ClassVar[bool] = False

    audience_kind = audience_kind_field()
    audience_department = models.ForeignKey(
        Department,
        verbose_name=_("department (and its sub-departments)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    audience_job_group = models.ForeignKey(
        JobGroup, verbose_name=_("job group"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience_manager = models.ForeignKey(
        Employee, verbose_name=_("manager"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        constraints = [audience_check()]

    @property
    def audience(self) -> Audience:
        return Audience(
            self.audience_kind, self.audience_department_id, self.audience_job_group_id, self.audience_manager_id
        )

    @audience.setter
    def audience(self, value: Audience | None):
        value = value or Audience(UNSET if self.audience_optional else AudienceKind.EVERYONE)
        value = Audience.of(
            value.kind, department=value.department_id, job_group=value.job_group_id, manager=value.manager_id
        )
        self.audience_kind = value.kind
        self.audience_department_id = value.department_id
        self.audience_job_group_id = value.job_group_id
        self.audience_manager_id = value.manager_id

    @property
    def audience_label(self) -> str:
        return _describe(self.audience_kind, self.audience_department, self.audience_job_group, self.audience_manager)

    def clean(self):
        super().clean()
        self.audience = self.audience  # drop the parts the kind does not use
        problems = audience_problems(
            self.audience_kind,
            department=self.audience_department,
            job_group=self.audience_job_group,
            manager=self.audience_manager,
            kinds=self.audience_kinds,
            optional=self.audience_optional,
        )
        if problems:
            raise ValidationError({f"audience_{part}": message for part, message in problems.items()})


AUDIENCE_RELATED = ("audience_department", "audience_job_group", "audience_manager")


# --- who is in it -------------------------------------------------------------------------------


def _subtree(department_id: int) -> QuerySet:
    return DepartmentClosure.objects.filter(ancestor_id=department_id).values("descendant_id")


def manages_someone() -> Exists:
    """On Employee rows: has at least one active direct report ("managers only")."""
    return Exists(Employee.objects.filter(manager_id=OuterRef("pk"), active=True))


def _members_q(audience: Audience) -> Q:
    """The condition on Employee rows for membership (activity aside)."""
    kind = audience.kind
    q = Q()
    if kind not in NEEDS:
        return Q(pk__in=[])
    if "department" in NEEDS[kind]:
        q &= Q(department_id__in=_subtree(audience.department_id))
    if "job_group" in NEEDS[kind]:
        q &= Q(job_group_id=audience.job_group_id)
    if kind == AudienceKind.MANAGERS:
        q &= Q(manages_someone())
    if kind == AudienceKind.TEAM:
        q &= Q(pk__in=team_member_ids(audience.manager_id))
    return q


def audience_condition(audience: Audience) -> Q:
    """Membership of an audience as a condition on Employee rows (activity aside), to use inside a
    filter, a Case or an aggregate's filter on an Employee queryset without a subquery (for
    "everyone" it is no condition at all)."""
    return _members_q(audience)


def employees_in(audience: Audience, *, include_inactive: bool = False) -> QuerySet[Employee]:
    """The employees in an audience now, as one SQL query: filter, count or aggregate it, or use it
    as a subquery (`Enrolment.objects.filter(employee__in=employees_in(a))`). Active employees
    only unless `include_inactive`. "Managers only" means employees with an active report; "a
    manager's team" their direct and indirect reports (through inactive managers too)."""
    people = Employee.objects.all() if include_inactive else Employee.objects.filter(active=True)
    return people.filter(_members_q(audience))


def audience_size(audience: Audience) -> int:
    """How many active employees an audience reaches now (one query)."""
    return employees_in(audience).count()


@dataclass(frozen=True)
class AudienceOverlap:
    """Active employees only in the first audience, in both, and only in the second."""

    only_first: int
    both: int
    only_second: int


def audience_overlap(first: Audience, second: Audience) -> AudienceOverlap:
    """How two audiences overlap now, in one query."""
    in_first = Q(pk__in=employees_in(first).values("pk"))
    in_second = Q(pk__in=employees_in(second).values("pk"))
    counts = Employee.objects.filter(active=True).aggregate(
        only_first=Count("pk", filter=in_first & ~in_second),
        both=Count("pk", filter=in_first & in_second),
        only_second=Count("pk", filter=in_second & ~in_first),
    )
    return AudienceOverlap(**counts)


def narrower(a: Audience, b: Audience) -> bool:
    """True when everyone in `a` is also in `b` and `b` reaches someone more: `a` is a smaller
    start within `b` (as the organisation is now; an audience that reaches nobody is narrower than
    one that reaches someone). One query."""
    overlap = audience_overlap(a, b)
    return overlap.only_first == 0 and overlap.only_second > 0


def overlaps(a: Audience, b: Audience) -> bool:
    """True when some active employee is in both audiences now. One query."""
    return audience_overlap(a, b).both > 0


def audiences_containing(queryset: QuerySet, employee: Employee, *, include_inactive: bool = False) -> QuerySet:
    """The rows of an AudienceModel queryset whose audience includes `employee` (one query), e.g.
    `audiences_containing(LearningMoment.objects.filter(active=True), employee=me)`."""
    if not (employee.active or include_inactive):
        return queryset.none()
    q = Q(audience_kind=AudienceKind.EVERYONE)
    if employee.department_id is not None:
        above = DepartmentClosure.objects.filter(descendant_id=employee.department_id).values("ancestor_id")
        q |= Q(audience_kind=AudienceKind.DEPARTMENT, audience_department__in=above)
        if employee.job_group_id is not None:
            q |= Q(
                audience_kind=AudienceKind.DEPARTMENT_JOB_GROUP,
                audience_department__in=above,
                audience_job_group_id=employee.job_group_id,
            )
    if employee.job_group_id is not None:
        q |= Q(audience_kind=AudienceKind.JOB_GROUP, audience_job_group_id=employee.job_group_id)
    q |= Q(audience_kind=AudienceKind.MANAGERS) & Q(Exists(Employee.objects.filter(manager=employee, active=True)))
    above_me = ReportingLine.objects.filter(member_id=employee.pk, depth__gt=0).values("manager_id")
    q |= Q(audience_kind=AudienceKind.TEAM, audience_manager__in=above_me)
    return queryset.filter(q)


class Member(Protocol):
    """What the matcher reads of an employee (an Employee, or a `MemberRow` built from values)."""

    pk: int
    department_id: int | None
    job_group_id: int | None
    active: bool


class MemberRow(NamedTuple):
    pk: int
    department_id: int | None
    job_group_id: int | None
    active: bool = True


class AudienceMatcher:
    """Membership of many employees in a few audiences, decided in memory after a fixed number of
    queries (at most three: the department links between the audiences' and the employees'
    departments, the managers among the employees, the teams they are in), for lists and bulk work
    such as budget allocation. It agrees with `employees_in` (tests hold it to that)."""

    def __init__(self, audiences: Iterable[Audience], employees: Iterable[Member]):
        audiences = set(audiences)
        members = list(employees)
        kinds = {a.kind for a in audiences}
        departments = {a.department_id for a in audiences if a.department_id is not None}
        member_departments = {m.department_id for m in members if m.department_id is not None}
        self._distance: dict[tuple[int, int], int] = {}
        if departments and member_departments:
            self._distance = {
                (ancestor, descendant): depth
                for ancestor, descendant, depth in DepartmentClosure.objects.filter(
                    ancestor_id__in=departments, descendant_id__in=member_departments
                ).values_list("ancestor_id", "descendant_id", "depth")
            }
        pks = sorted({m.pk for m in members if m.pk is not None})
        self._managers: set[int] = set()
        if AudienceKind.MANAGERS in kinds and pks:
            self._managers = set(
                Employee.objects.filter(manages_someone(), pk__in=pks).values_list("pk", flat=True).order_by()
            )
        self._team_of: set[tuple[int, int]] = set()  # (manager, member)
        bosses = sorted({a.manager_id for a in audiences if a.kind == AudienceKind.TEAM and a.manager_id})
        if bosses and pks:
            self._team_of = _team_pairs(pks, bosses)

    def distance(self, audience: Audience, employee: Member) -> int | None:
        """Levels from the audience's department down to the employee's (0: the same one); None
        when the employee is outside it."""
        return self._distance.get((audience.department_id, employee.department_id))

    def contains(self, audience: Audience, employee: Member, *, include_inactive: bool = False) -> bool:
        kind = audience.kind
        if kind not in NEEDS or not (employee.active or include_inactive):
            return False
        needs = NEEDS[kind]
        if "department" in needs and self.distance(audience, employee) is None:
            return False
        if "job_group" in needs and (employee.job_group_id is None or employee.job_group_id != audience.job_group_id):
            return False
        if kind == AudienceKind.MANAGERS:
            return employee.pk in self._managers
        if kind == AudienceKind.TEAM:
            return employee.pk != audience.manager_id and (audience.manager_id, employee.pk) in self._team_of
        return True


def _team_pairs(member_ids: list[int], manager_ids: list[int]) -> set[tuple[int, int]]:
    """(manager, member) for each member below one of the managers: one query on the reporting lines."""
    lines = ReportingLine.objects.filter(manager_id__in=manager_ids, depth__gt=0)
    if len(member_ids) <= 1000:  # else the managers' whole teams: no statement carrying thousands of ids
        lines = lines.filter(member_id__in=member_ids)
    return set(lines.values_list("manager_id", "member_id").order_by())


def audience_contains(audience: Audience, employee: Member, *, include_inactive: bool = False) -> bool:
    """Whether an employee is in an audience now, without loading the audience: at most one small
    query (the department link, whether they manage someone, or their manager chain)."""
    return AudienceMatcher([audience], [employee]).contains(audience, employee, include_inactive=include_inactive)


def check_audience_models(app_configs=None, **kwargs):
    """System check: every concrete AudienceModel carries the audience constraint that matches it."""
    from django.apps import apps
    from django.core.checks import Error

    errors = []
    models_ = [m for config in app_configs for m in config.get_models()] if app_configs else apps.get_models()
    for model in models_:
        if not issubclass(model, AudienceModel):
            continue
        expected = audience_check(optional=model.audience_optional)
        expected.name %= {"app_label": model._meta.app_label.lower(), "class": model._meta.model_name}
        if expected not in model._meta.constraints:
            errors.append(
                Error(
                    f"{model._meta.label} lacks its audience constraint.",
                    hint=f"Add people.audience.audience_check(optional={model.audience_optional}) to Meta.constraints.",
                    obj=model,
                    id="people.E001",
                )
            )
    return errors
