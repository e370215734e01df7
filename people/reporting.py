"""Reporting lines: a manager's whole team from the closure table (people.models.ReportingLine),
the SQL that derives the table from the managers, and the check that compares the two."""

from django.db import connection
from django.db.models import Q, QuerySet

from .models import Employee, ReportingLine

# Above this many starting employees a refresh recomputes every line (one statement either way).
MAX_UNDER = 500
MAX_DEPTH = 64  # a loop in bad data ends the walk here instead of hanging it


def team_members(manager_id: int, *, include_inactive: bool = False) -> QuerySet[Employee]:
    """A manager's direct and indirect reports (not the manager), through inactive managers too:
    one indexed join, to filter, count, aggregate, page or use as a subquery."""
    people = Employee.objects.all() if include_inactive else Employee.objects.filter(active=True)
    return people.filter(manager_links__manager_id=manager_id, manager_links__depth__gt=0)


def team_member_ids(manager_id: int) -> QuerySet:
    """The ids of a manager's reports (active or not) as a subquery: `employee_id__in=...`."""
    return ReportingLine.objects.filter(manager_id=manager_id, depth__gt=0).values("member_id")


def in_team_of(manager_id: int, employee_id: int) -> bool:
    """Whether someone reports to the manager, directly or not (one small indexed query)."""
    return ReportingLine.objects.filter(manager_id=manager_id, member_id=employee_id, depth__gt=0).exists()


def wanted_sql(under: list[int] | None) -> tuple[str, list]:
    """A WITH clause that defines `sub` (the employees whose lines are recomputed: those under
    `under` and below, or everyone) and `wanted` (manager_id, member_id, depth) for them, walked up
    the manager chains in SQL. Works on PostgreSQL and SQLite."""
    if under is None:
        start, params = "SELECT id FROM people_employee", []
    else:
        marks = ", ".join(["%s"] * len(under)) or "NULL"
        start = f"""SELECT id FROM people_employee WHERE id IN ({marks})
            UNION SELECT e.id FROM people_employee e JOIN sub ON e.manager_id = sub.id"""  # noqa: S608
        params = list(under)
    sql = f"""
        WITH RECURSIVE sub(id) AS ({start}),
        up(member_id, manager_id, depth) AS (
            SELECT id, id, 0 FROM sub
            UNION ALL
            SELECT up.member_id, e.manager_id, up.depth + 1 FROM up JOIN people_employee e ON e.id = up.manager_id
            WHERE e.manager_id IS NOT NULL AND up.depth < {MAX_DEPTH}
        ),
        wanted(manager_id, member_id, depth) AS (
            SELECT manager_id, member_id, MIN(depth) FROM up GROUP BY manager_id, member_id
        )
    """  # noqa: S608 (placeholders and a constant only)
    return sql, params


def reporting_line_problems(limit: int = 1000) -> dict[str, list[tuple[int, int, int]]]:
    """How the table differs from the managers: rows `missing` and rows `extra` (as manager,
    member, depth), at most `limit` of each. Empty lists when it is right. Two queries."""
    with_clause, params = wanted_sql(None)
    stored = "SELECT manager_id, member_id, depth FROM people_reportingline"
    wanted = "SELECT manager_id, member_id, depth FROM wanted"
    problems = {}
    with connection.cursor() as cursor:
        for kind, first, second in (("missing", wanted, stored), ("extra", stored, wanted)):
            sql = f"{with_clause} SELECT * FROM ({first} EXCEPT {second}) d ORDER BY 1, 2, 3 LIMIT %s"  # noqa: S608
            cursor.execute(sql, [*params, limit])
            problems[kind] = [tuple(row) for row in cursor.fetchall()]
    return problems


def team_page_members(manager_id: int, *, q: str = "") -> QuerySet[Employee]:
    """A manager's active reports in name order, narrowed to those whose name, e-mail address or
    HRIS key holds every word of `q`: the rows of a team page, to hand to a Paginator (the page
    then costs the same for a team of five and one of fifty thousand)."""
    people = team_members(manager_id)
    for word in (q or "").split()[:5]:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(external_id__iexact=word)
        )
    return people.select_related("department", "job_group").order_by("last_name", "first_name", "pk")


def team_sizes(manager_id: int) -> dict[str, int]:
    """How many active people report to the manager directly and how many more below them: one
    count over the reporting lines, whatever the size of the team."""
    from django.db.models import Count, Exists, OuterRef

    # "not one of the (few) inactive" rather than a join to every member to read `active`: the
    # lines alone are counted, about twice as fast for a team of fifty thousand
    inactive = Employee.objects.filter(pk=OuterRef("member_id"), active=False)
    sizes = (
        ReportingLine.objects.filter(manager_id=manager_id, depth__gt=0)
        .filter(~Exists(inactive))
        .aggregate(direct=Count("pk", filter=Q(depth=1)), indirect=Count("pk", filter=Q(depth__gt=1)))
    )
    return {"direct": sizes["direct"] or 0, "indirect": sizes["indirect"] or 0}


def team_sizes_of(request, manager_id: int) -> dict[str, int]:
    """`team_sizes`, counted once per request: the home's heading and its panels share the count."""
    counted = request.__dict__.setdefault("_leerborg_team_sizes", {})
    if manager_id not in counted:
        counted[manager_id] = team_sizes(manager_id)
    return counted[manager_id]
