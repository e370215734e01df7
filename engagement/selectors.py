"""Reads that pages, exports and the API share: a person's activity, the boards per period and
per team or department (named only after opting in), and the most active for L&D."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import Department, DepartmentClosure, Employee, ReportingLine

from .models import LIVE, Activity, Ambassadorship, Participant

QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str | None, today: date | None = None) -> "Quarter":
        """The quarter a URL names ("2026Q3"), or the current one."""
        found = QUARTER.match(text or "")
        if found:
            return cls(int(found.group(1)), int(found.group(2)))
        return cls.of(today or timezone.localdate())

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        nxt = self.next()
        return nxt.start - timedelta(days=1)

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def key(self) -> str:
        return f"{self.year}Q{self.number}"

    def __str__(self):
        return _("Q%(number)s %(year)s") % {"number": self.number, "year": self.year}


def activity_of(*, employee_id: int, quarter: Quarter):
    """A person's own ledger lines in a quarter, newest first."""
    return Activity.objects.filter(employee_id=employee_id, day__gte=quarter.start, day__lte=quarter.end).order_by(
        "-occurred_at", "-pk"
    )


def points_of(*, employee_id: int, quarter: Quarter) -> int:
    return activity_of(employee_id=employee_id, quarter=quarter).aggregate(s=Sum("points"))["s"] or 0


@dataclass(frozen=True)
class Scope:
    kind: str  # "team" or "department"
    pk: int  # the manager's employee id for a team, the department's id
    label: str


@dataclass(frozen=True)
class BoardRow:
    rank: int
    employee_id: int
    name: str  # the person's name when they opted in, else "a colleague"
    named: bool
    points: int
    is_me: bool


def _scope_activity(scope: Scope, quarter: Quarter):
    """The scope's activity lines in the quarter, its active people only. The team or department
    stays a subquery the database joins (the reporting lines' or the department tree's closure
    table), never a list of ids read first: a board of fifty thousand people costs what the
    quarter's activity costs, not what the team's size does."""
    lines = Activity.objects.filter(day__gte=quarter.start, day__lte=quarter.end, employee__active=True)
    if scope.kind == "team":  # the manager and everyone below them
        return lines.filter(employee_id__in=ReportingLine.objects.filter(manager_id=scope.pk).values("member_id"))
    subtree = DepartmentClosure.objects.filter(ancestor_id=scope.pk).values("descendant_id")
    return lines.filter(employee__department_id__in=subtree)


def board_totals(*, scope: Scope, quarter: Quarter):
    """Per person of the scope with a positive total in the quarter: the total, name and whether
    they opted in to be named, most points first: one grouped statement, to slice or iterate."""
    return (
        _scope_activity(scope, quarter)
        .values("employee_id")
        .annotate(
            total=Sum("points"),
            first_name=F("employee__first_name"),
            last_name=F("employee__last_name"),
            named=F("employee__engagement__named"),
        )
        .filter(total__gt=0)
        .order_by("-total", "employee_id")
    )


def board_rows(totals, *, viewer_id: int | None = None):
    """Board rows from `board_totals` in their order, as they are read: equal points share a rank;
    names only for those who opted in."""
    rank, previous = 0, None
    for position, t in enumerate(totals, start=1):
        if t["total"] != previous:
            rank, previous = position, t["total"]
        named = bool(t["named"])
        yield BoardRow(
            rank=rank,
            employee_id=t["employee_id"],
            name=f"{t['first_name']} {t['last_name']}".strip() if named else _("a colleague"),
            named=named,
            points=t["total"],
            is_me=t["employee_id"] == viewer_id,
        )


def board(*, scope: Scope, quarter: Quarter, viewer_id: int | None = None, limit: int = 20) -> list[BoardRow]:
    """The most active of the scope in the quarter (one query). Only positive totals appear;
    equal points share a rank. Names only for those who opted in."""
    return list(board_rows(board_totals(scope=scope, quarter=quarter)[:limit], viewer_id=viewer_id))


def scopes_for(employee: Employee | None, *, all_departments: bool = False) -> list[Scope]:
    """The boards a person may see: their own team and their department; every department (and
    every manager's team) for L&D staff."""
    scopes = []
    if employee is not None:
        if employee.manager_id:
            scopes.append(Scope("team", employee.manager_id, _("My team")))
        if ReportingLine.objects.filter(manager_id=employee.pk, depth__gt=0).exists():
            scopes.append(Scope("team", employee.pk, _("The team I lead")))
        if employee.department_id:
            scopes.append(Scope("department", employee.department_id, employee.department.name))
    if all_departments:
        known = {(s.kind, s.pk) for s in scopes}
        for department in Department.objects.order_by("name").only("pk", "name"):
            if ("department", department.pk) not in known:
                scopes.append(Scope("department", department.pk, department.name))
    return scopes


def most_active(*, quarter: Quarter, limit: int = 50):
    """For L&D's rewards: the most active in the quarter, with names (L&D see everyone's profile),
    and how their points came about."""
    return (
        Activity.objects.filter(day__gte=quarter.start, day__lte=quarter.end)
        .values("employee_id", "employee__first_name", "employee__last_name", "employee__department__name")
        .annotate(
            total=Sum("points"),
            completed=Count("pk", filter=Q(kind="completed", points__gt=0)),
            attended=Count("pk", filter=Q(kind="attended")),
        )
        .filter(total__gt=0)
        .order_by("-total", "employee_id")[:limit]
    )


def participant_named(employee_id: int) -> bool:
    return Participant.objects.filter(employee_id=employee_id, named=True).exists()


@dataclass(frozen=True)
class Suggestion:
    department_id: int
    department: str
    employee_id: int | None
    name: str
    points: int
    reason: str


def _reason(row) -> str:
    parts = []
    if row["completed"]:
        parts.append(_("completed %(n)s") % {"n": row["completed"]})
    if row["hosted"]:
        parts.append(_("hosted %(n)s sessions") % {"n": row["hosted"]})
    if row["attended"]:
        parts.append(_("attended %(n)s moments") % {"n": row["attended"]})
    if row["evaluated"]:
        parts.append(_("answered %(n)s evaluations") % {"n": row["evaluated"]})
    return ", ".join(parts)


def ambassador_suggestions(*, today: date | None = None) -> list[Suggestion]:
    """For L&D: per part of the organisation (each department right below the top), its most
    active person over the last two quarters who is not invited or an ambassador already, with
    the reason in words; every part gets its own, so the suggestions spread across the
    organisation (two queries)."""
    quarter = Quarter.of(today or timezone.localdate())
    start, end = quarter.previous().start, quarter.end
    parts = list(Department.objects.filter(parent__isnull=False, parent__parent__isnull=True).order_by("name"))
    if not parts:
        parts = list(Department.objects.filter(parent__isnull=True).order_by("name"))
    counted = Q(points__gt=0)
    rows = (
        Activity.objects.filter(
            day__gte=start,
            day__lte=end,
            employee__active=True,
            employee__department__ancestor_links__ancestor__in=parts,
        )
        # someone invited or appointed already (a person is one department's ambassador at a time)
        .exclude(employee__in=Ambassadorship.objects.filter(status__in=LIVE).values("employee"))
        .values(
            "employee_id",
            "employee__first_name",
            "employee__last_name",
            part=F("employee__department__ancestor_links__ancestor"),
        )
        .annotate(
            total=Sum("points"),
            completed=Count("pk", filter=Q(kind="completed") & counted),
            hosted=Count("pk", filter=Q(kind="hosted") & counted),
            attended=Count("pk", filter=Q(kind="attended")),
            evaluated=Count("pk", filter=Q(kind="evaluated")),
        )
        .filter(total__gt=0)
        .order_by("part", "-total", "employee_id")
    )
    best = {}
    for row in rows:
        best.setdefault(row["part"], row)
    suggestions = []
    for part in parts:
        row = best.get(part.pk)
        if row is None:
            suggestions.append(Suggestion(part.pk, part.name, None, "", 0, ""))
            continue
        name = f"{row['employee__first_name']} {row['employee__last_name']}"
        suggestions.append(Suggestion(part.pk, part.name, row["employee_id"], name, row["total"], _reason(row)))
    return suggestions
