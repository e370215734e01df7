"""The fact engine: what each employee did in a period, read from the apps below (enrolments,
attendance, budgets, deliveries, catalog visits, mandatory rules, the learning-time policy), and
summed over an audience in ONE SQL statement, or per department subtree, job group or education
level in one statement too. Metrics (monitoring.metrics) are ratios of these sums.

Each source is an ORM query grouped per employee, restricted to the audience; the statement joins
them to the audience's people and sums the facts asked for, so it costs the same number of queries
for five people and for fifty thousand, and only the sources the facts need are read.
"""

from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Greatest

from budgets.models import Budget, EntryKind, LedgerEntry
from catalog.models import CatalogVisit, Enrolment, Format, JobGroupSkill, LearningItem, MandatoryRule, Status
from catalog.selectors import mandatory_overdue_count
from comms.models import Delivery
from people.audience import EVERYONE, Audience, audience_condition, employees_in
from people.models import DepartmentClosure, EducationLevel, ReportingLine
from policy.models import Attendance, LearningTimePolicy, PolicyPeriod
from policy.selectors import policy_choice

from .periods import Period, _aware

# How far back "message reach" looks from the end of the period.
REACH_DAYS = 90
GROUPINGS = ("department", "job_group", "education_level", "employee", "format", "month")
_DEC = DecimalField(max_digits=20, decimal_places=6)


# --- the facts: name -> (SQL over p.* and the sources' columns, sources, population columns) ----

FACTS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "people": ("COUNT(*)", (), ()),
    "fte": ("SUM(p.fte_part)", (), ("fte_part",)),
    "hours": ("SUM(COALESCE(e.hours, 0) + COALESCE(a.minutes, 0) / 60.0)", ("e", "a"), ()),
    "target_hours": ("SUM(COALESCE(p.target, 0))", (), ("target",)),
    "policy_hours": (
        "SUM(CASE WHEN p.target IS NULL THEN 0 ELSE COALESCE(e.hours, 0) + COALESCE(a.minutes, 0) / 60.0 END)",
        ("e", "a"),
        ("target",),
    ),
    "participated": ("SUM(CASE WHEN e.began_n > 0 THEN 1 ELSE 0 END)", ("e",), ()),
    "began": ("SUM(COALESCE(e.began_n, 0))", ("e",), ()),
    "completed": ("SUM(COALESCE(e.completed_n, 0))", ("e",), ()),
    "finished": ("SUM(COALESCE(e.finished_n, 0))", ("e",), ()),
    "requested": ("SUM(COALESCE(e.requested_n, 0))", ("e",), ()),
    "elective": ("SUM(COALESCE(e.elective_n, 0))", ("e",), ()),
    "for_you": ("SUM(COALESCE(e.for_you_n, 0))", ("e",), ()),
    "rating_sum": ("SUM(COALESCE(e.rating_sum, 0))", ("e",), ()),
    "rated": ("SUM(COALESCE(e.rated_n, 0))", ("e",), ()),
    "attended": ("SUM(CASE WHEN a.minutes > 0 THEN 1 ELSE 0 END)", ("a",), ()),
    "visited": ("SUM(CASE WHEN v.visits_n > 0 THEN 1 ELSE 0 END)", ("v",), ()),
    "with_budget": ("SUM(CASE WHEN b.budgets_n > 0 THEN 1 ELSE 0 END)", ("b",), ()),
    "viewed_budget": ("SUM(CASE WHEN b.viewed_n > 0 THEN 1 ELSE 0 END)", ("b",), ()),
    "allocated": ("SUM(COALESCE(b.allocated, 0))", ("b",), ()),
    "used": ("SUM(COALESCE(b.committed, 0) + COALESCE(b.spent, 0))", ("b",), ()),
    "midway": ("SUM(CASE WHEN b.midway_n > 0 THEN 1 ELSE 0 END)", ("b",), ()),
    "unused_midway": ("SUM(CASE WHEN b.midway_n > 0 AND b.unused_n = b.midway_n THEN 1 ELSE 0 END)", ("b",), ()),
    # The budgets current on the day the figures are read on, as the team budget page and the
    # manager's home count them (budgets.selectors.team_totals): kept for a large team, so those
    # read them instead of summing fifty thousand budgets on every visit.
    "budgets_now": ("SUM(COALESCE(b.now_n, 0))", ("b",), ()),
    "allocated_now": ("SUM(COALESCE(b.now_allocated, 0))", ("b",), ()),
    "committed_now": ("SUM(COALESCE(b.now_committed, 0))", ("b",), ()),
    "spent_now": ("SUM(COALESCE(b.now_spent, 0))", ("b",), ()),
    "unviewed_now": ("SUM(COALESCE(b.now_unviewed_n, 0))", ("b",), ()),
    "idle_now": ("SUM(COALESCE(b.now_idle_n, 0))", ("b",), ()),
    # Who is overdue on a mandatory item on the day, as the team learning page counts them
    # (catalog.selectors.mandatory_overdue_count): kept for a large team, like the budgets above.
    "overdue_people_now": ("SUM(CASE WHEN p.overdue_items > 0 THEN 1 ELSE 0 END)", (), ("overdue_items",)),
    "delivered": ("SUM(COALESCE(d.delivered_n, 0))", ("d",), ()),
    "opened": ("SUM(COALESCE(d.opened_n, 0))", ("d",), ()),
    "obliged": ("SUM(p.obliged)", (), ("obliged",)),
    "compliant": ("SUM(p.obliged - p.overdue)", (), ("obliged", "overdue")),
    "needs_skills": ("SUM(p.needs_skills)", (), ("needs_skills",)),
    "in_gap": ("SUM(p.in_gap)", (), ("needs_skills", "in_gap")),
    "no_activity": (
        "SUM(CASE WHEN COALESCE(e.began_n, 0) + COALESCE(e.requested_n, 0) = 0 AND COALESCE(a.minutes, 0) = 0 "
        "THEN 1 ELSE 0 END)",
        ("e", "a"),
        (),
    ),
}


def _flag(condition) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


# --- the population: the audience's people with what is known of each ------------------------


def fact_value(value) -> Decimal:
    """A fact's sum as a Decimal: PostgreSQL answers numeric or an integer; SQLite answers a REAL for
    fractional sums (see `_Fraction`), whose binary error (3.8000000000000003) is rounded off at nine
    places, far below any figure shown."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):  # PostgreSQL's numeric, as psycopg2 gives it: already exact
        return value
    if isinstance(value, float):
        return Decimal(str(round(value, 9)))
    return Decimal(str(value))


class _Fraction(Func):
    """A decimal column as it is on PostgreSQL (numeric); on SQLite a REAL, because SQLite stores an
    FTE of 1.00 as the integer 1 and then divides it as an integer (1 * 6 / 12 gives 0)."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="CAST(%(expressions)s AS REAL)", **extra)


def _fte_part(period: Period):
    """FTE times the share of the period's months the person was employed (by hire date; the month
    someone joins counts whole)."""
    hired = ExtractYear("hired_on") * 12 + ExtractMonth("hired_on") - 1
    first = Greatest(Coalesce(hired, Value(period.first_month)), Value(period.first_month))
    employed = Value(period.last_month + 1) - first
    return ExpressionWrapper(_Fraction(F("fte")) * employed / Value(Decimal(period.months)), output_field=_DEC)


def _per_year():
    """Each person's policy hours per year as one CASE on job group and department (policy's
    `policy_choice`): the job group's policy, else the nearest department's, else everyone's, with
    no subquery per person. Two small queries: the policies and their departments' subtrees."""
    return policy_choice(
        list(LearningTimePolicy.objects.all()),
        value_of=lambda p: p.hours_per_fte * {PolicyPeriod.MONTH: 12, PolicyPeriod.QUARTER: 4}.get(p.period, 1),
        output_field=_DEC,
    )


def _policy_target(period: Period, fte_part, per_year=None):
    """Hours the learning-time policy asks of the person in the period: the most specific policy's
    hours per year times the FTE share (`per_year`: `_per_year()` when already built)."""
    per_year = _per_year() if per_year is None else per_year
    return ExpressionWrapper(per_year * fte_part * Value(Decimal(period.days) / 365), output_field=_DEC)


def _rules(as_of) -> list:
    return list(MandatoryRule.objects.filter(active=True, item__active=True, starts_on__lte=as_of))


def _mandatory(as_of, rules=None) -> tuple:
    """(obliged, overdue) per person: in the audience of an active mandatory rule, and overdue on
    one (due `due_days` after the rule or the hire date, whichever is later; done by a completion,
    within `renewal_months` when the rule renews). One small query for the rules, unless given
    (the rules active on a later day: those not started by `as_of` are left out here).

    Membership is a condition on the person's own row (`audience_condition`: the population holds
    active people only, so "activity aside" is the same as `employees_in`), not `pk IN (the rule's
    audience)`: PostgreSQL ran that as a hashed subquery over the whole audience, a scan of every
    employee for a rule for everyone, even when the population is a team of 19."""
    rules = _rules(as_of) if rules is None else [r for r in rules if r.starts_on <= as_of]
    if not rules:
        return Value(0), Value(0)
    obliged, overdue = Q(pk__in=[]), Q(pk__in=[])
    until = _aware(as_of + timedelta(days=1))
    for rule in rules:
        # everyone's condition is empty, which `|` would drop: written as always true instead
        members = audience_condition(rule.audience) or Q(pk__isnull=False)
        done = Enrolment.objects.filter(
            employee=OuterRef("pk"), item_id=rule.item_id, status=Status.COMPLETED, completed_at__lt=until
        )
        if rule.renewal_months:
            done = done.filter(completed_at__gte=_aware(as_of - timedelta(days=round(rule.renewal_months * 30.44))))
        cut = as_of - timedelta(days=rule.due_days)
        due = Q(hired_on__isnull=True) | Q(hired_on__lt=cut) if rule.starts_on < cut else Q(pk__in=[])
        obliged |= members
        overdue |= members & due & ~Q(Exists(done))
    return _flag(obliged), _flag(overdue)


def _coverage():
    """(needs_skills, in_gap) per person: the job group needs skills, and no active item on one of
    them suits the person's education level."""
    needs = Exists(JobGroupSkill.objects.filter(job_group=OuterRef("job_group_id")))
    fitting = {
        level: Exists(
            LearningItem.objects.filter(
                active=True, skills__job_groups__job_group=OuterRef("job_group_id"), **{f"level_{level}": True}
            )
        )
        for level in EducationLevel.values
    }
    gap = Q(pk__in=[])
    for level, exists in fitting.items():
        gap |= Q(education_level=level) & ~Q(exists)
    return _flag(Q(needs)), _flag(Q(needs) & gap)


def _population(audience: Audience, period: Period, columns: set[str], as_of, only=None, rules=None, per_year=None):
    people = employees_in(audience).filter(Q(hired_on__isnull=True) | Q(hired_on__lte=period.end)).order_by()
    if only is not None:
        people = people.filter(pk__in=list(only))
    extra = {}
    if columns & {"fte_part", "target"}:
        extra["fte_part"] = _fte_part(period)
    if "target" in columns:
        extra["target"] = _policy_target(period, _fte_part(period), per_year)
    if columns & {"obliged", "overdue"}:
        extra["obliged"], extra["overdue"] = _mandatory(as_of, rules)
    if columns & {"needs_skills", "in_gap"}:
        extra["needs_skills"], extra["in_gap"] = _coverage()
    if "overdue_items" in columns:
        extra["overdue_items"] = mandatory_overdue_count(today=as_of)
    return people.values("id", "department_id", "job_group_id", "education_level", **extra)


# --- the sources: one row per employee ---------------------------------------------------------


def _enrolments(ids, period: Period, by_format: bool = False):
    began = Q(began__gte=period.since, began__lt=period.until)
    requested = Q(requested_at__gte=period.since, requested_at__lt=period.until) & ~Q(
        status__in=[Status.REJECTED, Status.CANCELLED]
    )
    completed = Q(status=Status.COMPLETED, completed_at__gte=period.since, completed_at__lt=period.until)
    hours = Coalesce("item__duration_hours", "external_hours", Value(Decimal("0")), output_field=_DEC)
    return (
        Enrolment.objects.filter(employee_id__in=ids)
        .annotate(
            began=Coalesce("started_at", "completed_at"),
            mandatory=Exists(MandatoryRule.objects.filter(item=OuterRef("item_id"), active=True)),
            fmt=F("item__format"),
        )
        .values("employee_id", *(["fmt"] if by_format else []))
        .annotate(
            began_n=Count("pk", filter=began),
            completed_n=Count("pk", filter=began & Q(status=Status.COMPLETED)),
            finished_n=Count("pk", filter=completed),
            requested_n=Count("pk", filter=requested),
            elective_n=Count("pk", filter=requested & Q(mandatory=False)),
            for_you_n=Count("pk", filter=requested & Q(via_for_you=True)),
            hours=Sum(hours, filter=completed),
            rating_sum=Sum("rating", filter=completed),
            rated_n=Count("rating", filter=completed),
        )
        .order_by()
    )


def _attendance(ids, period: Period):
    return (
        Attendance.objects.filter(
            employee_id__in=ids, occurrence_start__gte=period.since, occurrence_start__lt=period.until
        )
        .values("employee_id")
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )


def _visits(ids, period: Period):
    return (
        CatalogVisit.objects.filter(employee_id__in=ids, day__gte=period.start, day__lte=period.end)
        .values("employee_id")
        .annotate(visits_n=Count("pk"))
        .order_by()
    )


def _budget_pairs(ids, period: Period) -> list:
    budgets = Budget.objects.filter(employee_id__in=ids, period_start__lte=period.end, period_end__gte=period.start)
    return list(budgets.values_list("period_start", "period_end").distinct().order_by())


def _budgets(ids, period: Period, as_of, pairs=None):
    """Budgets whose period overlaps this one. Under-use looks at the budgets whose own period is
    half over on `as_of`: unused when no commitment or spend was booked before its midpoint."""
    budgets = Budget.objects.filter(employee_id__in=ids, period_start__lte=period.end, period_end__gte=period.start)
    midway, unused = Q(pk__in=[]), Q(pk__in=[])
    pairs = _budget_pairs(ids, period) if pairs is None else pairs  # a wider period's pairs do no harm
    for start, end in pairs:
        middle = start + (end - start) / 2
        if middle > as_of:
            continue
        booked = LedgerEntry.objects.filter(
            budget=OuterRef("pk"),
            kind__in=[EntryKind.COMMITMENT, EntryKind.SPEND],
            created_at__lt=_aware(middle + timedelta(days=1)),
        )
        this = Q(period_start=start, period_end=end)
        midway |= this
        unused |= this & ~Q(Exists(booked))
    until = period.until
    now = Q(period_start__lte=as_of, period_end__gte=as_of)
    return (
        budgets.values("employee_id")
        .annotate(  # the current budgets first: after them `allocated` & co. name the sums
            now_n=Count("pk", filter=now),
            now_allocated=Sum("allocated", filter=now),
            now_committed=Sum("committed", filter=now),
            now_spent=Sum("spent", filter=now),
            now_unviewed_n=Count("pk", filter=now & Q(first_viewed_at=None)),
            now_idle_n=Count("pk", filter=now & midway & Q(committed=0, spent=0)),
            budgets_n=Count("pk"),
            viewed_n=Count("pk", filter=Q(first_viewed_at__lt=until)),
            allocated=Sum("allocated"),
            committed=Sum("committed"),
            spent=Sum("spent"),
            midway_n=Count("pk", filter=midway),
            unused_n=Count("pk", filter=unused),
        )
        .order_by()
    )


def _deliveries(ids, period: Period, as_of):
    until = _aware(as_of + timedelta(days=1))
    return (
        Delivery.objects.filter(
            employee_id__in=ids,
            status=Delivery.Status.SENT,
            sent_at__gte=until - timedelta(days=REACH_DAYS),
            sent_at__lt=until,
        )
        .values("employee_id")
        .annotate(
            delivered_n=Count("pk"), opened_n=Count("pk", filter=Q(opened_at__isnull=False) | Q(read_at__isnull=False))
        )
        .order_by()
    )


def _source(alias: str, ids, period: Period, as_of, by: str | None = None, pairs=None):
    if alias == "e":
        return _enrolments(ids, period, by_format=by == "format")
    if alias == "a":
        return _attendance(ids, period)
    if alias == "v":
        return _visits(ids, period)
    if alias == "b":
        return _budgets(ids, period, as_of, pairs)
    return _deliveries(ids, period, as_of)


# --- the statement ----------------------------------------------------------------------------


def _group(by: str | None) -> tuple[str, str, str]:
    """(the key selected, a join, GROUP BY) for a grouping."""
    if by is None:
        return "NULL", "", ""
    if by == "department":
        table = DepartmentClosure._meta.db_table
        return "c.ancestor_id", f" JOIN {table} c ON c.descendant_id = p.department_id", " GROUP BY c.ancestor_id"
    if by == "format":
        # fixed choices, no user input; a UNION rather than VALUES, which SQLite cannot name columns of
        formats = " UNION ALL ".join(f"SELECT '{value}' AS fmt" for value in Format.values)
        return "f.fmt", f" CROSS JOIN ({formats}) f", " GROUP BY f.fmt"
    if by in ("job_group", "education_level", "employee"):
        column = {"job_group": "p.job_group_id", "education_level": "p.education_level", "employee": "p.id"}[by]
        return column, "", f" GROUP BY {column}"
    raise ValueError(f"unknown grouping {by!r}")


FORMAT_SOURCES = frozenset({"e"})  # a breakdown by format splits the enrolments only


# The facts that need each budget's period (whether it is half over): reading the periods costs a query.
UNDER_USE = {"midway", "unused_midway", "idle_now"}


def _statement(audience, period, facts, by, as_of, only, ids, rules=None, pairs=None, key=None, per_year=None):
    """(SQL, params) of the statement that sums the facts over the audience's people, grouped."""
    sources = sorted({s for f in facts for s in FACTS[f][1]})
    columns = {c for f in facts for c in FACTS[f][2]}
    if pairs is None and not UNDER_USE & set(facts):
        pairs = []  # the budget periods matter to the under-use facts only: no query for them
    population = _population(audience, period, columns, as_of, only, rules, per_year)
    group_key, join, group = _group(by)
    sql, params = population.query.sql_with_params()
    params = list(params)
    parts = [f" FROM ({sql}) p"]
    if by == "format":
        parts.append(join)
        join = ""
    for alias in sources:
        source_sql, source_params = _source(alias, ids, period, as_of, by, pairs).query.sql_with_params()
        on = f"{alias}.employee_id = p.id" + (" AND e.fmt = f.fmt" if by == "format" and alias == "e" else "")
        parts.append(f" LEFT JOIN ({source_sql}) {alias} ON {on}")
        params += source_params
    selected = ", ".join(f"{FACTS[f][0]} AS {f}" for f in facts)
    if key is not None:
        return f"SELECT %s AS grp, {selected}{''.join(parts)}{join}{group}", [key, *params]
    return f"SELECT {group_key} AS grp, {selected}{''.join(parts)}{join}{group}", params


def fact_sums(
    audience: Audience,
    period: Period,
    facts: Iterable[str],
    *,
    by: str | None = None,
    as_of=None,
    only: Iterable[int] | None = None,
) -> dict[object, dict[str, Decimal]]:
    """{group key: {fact: sum}}: the facts summed over the audience's people (key None), or per
    department (each over its whole subtree), job group, education level, employee, format (the
    enrolment facts of items of that format; every format a key) or month (key "YYYY-MM", each
    month of the period up to `as_of` as a period of its own). `only` narrows the audience to these
    employee ids (a page of a list). One SQL statement, after at most two small look-ups (the
    mandatory rules, the budget periods), whatever the number of groups."""
    facts = list(dict.fromkeys(facts)) or ["people"]
    as_of = as_of or period.as_of()
    if only is not None:
        only = [int(pk) for pk in only]
        if not only:
            return {} if by else {None: dict.fromkeys(facts, Decimal(0))}
    if by == "format" and not {s for f in facts for s in FACTS[f][1]} <= FORMAT_SOURCES:
        raise ValueError("a breakdown by format takes enrolment facts only")
    ids = employees_in(audience).values("pk") if only is None else only
    if by == "month":
        months = [m for m in period.months_in() if m.start <= as_of]
        if not months:
            return {}
        columns = {c for f in facts for c in FACTS[f][2]}
        sources = {s for f in facts for s in FACTS[f][1]}
        rules = _rules(as_of) if columns & {"obliged", "overdue"} else None
        pairs = _budget_pairs(ids, period) if "b" in sources else None
        per_year = _per_year() if "target" in columns else None
        pieces = [
            _statement(
                audience,
                m,
                facts,
                None,
                min(m.end, as_of),
                only,
                ids,
                rules,
                pairs,
                key=m.start.strftime("%Y-%m"),
                per_year=per_year,
            )
            for m in months
        ]
        # each month's statement as a subquery: SQLite takes no parenthesised member of a UNION
        statement = " UNION ALL ".join(f"SELECT * FROM ({sql}) m{i}" for i, (sql, _p) in enumerate(pieces))  # noqa: S608
        params = [p for _sql, ps in pieces for p in ps]
    else:
        statement, params = _statement(audience, period, facts, by, as_of, only, ids)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    result = {}
    for row in rows:
        result[row[0]] = {f: fact_value(v) for f, v in zip(facts, row[1:], strict=True)}
    if by is None and not result:
        result[None] = dict.fromkeys(facts, Decimal(0))
    return result


def _per_employee(audience: Audience, period: Period, facts: list[str], as_of) -> tuple[str, list]:
    """(SQL, params) of each person's own sums of `facts` (`grp` their id): what a people download
    reads live and what `fact_rows_keep` keeps."""
    return _statement(audience, period, facts, "employee", as_of, None, employees_in(audience).values("pk"))


def fact_rows_keep(table: str, kept_id: int, period: Period, facts: Iterable[str], as_of) -> None:
    """Keep every person's own sums of `facts` over `period` as on `as_of` in `table` (columns
    kept_id, employee_id and the facts), with `kept_id`: ONE INSERT ... SELECT of the statement
    `fact_rows_per_employee` reads live, so nothing passes through Python."""
    facts = list(dict.fromkeys(facts))
    sums_sql, sums_params = _per_employee(EVERYONE, period, facts, as_of)
    names = ", ".join(facts)
    with connection.cursor() as cursor:  # the names are the fact engine's own and the model's table
        cursor.execute(
            f"INSERT INTO {table} (kept_id, employee_id, {names}) SELECT %s, s.grp, {names} FROM ({sums_sql}) s",  # noqa: S608
            [kept_id, *sums_params],
        )


def fact_rows_per_employee(
    audience: Audience, period: Period, facts: Iterable[str], people, columns: dict, kept: tuple | None = None
):
    """Each of `people` (a queryset of employees; `columns`: alias -> field, the first the id)
    with their sums of `facts`, as tuples (columns..., facts...) in order of last name, first name
    and id, read from ONE statement through a chunked (server-side) cursor: a download of the whole
    organisation runs as many queries as one of a few people, and its memory does not grow with
    it. Someone without facts (hired after the period) gets zeros. With `kept` (table, kept id:
    what `fact_rows_keep` wrote) the sums are read from there instead of worked out."""
    facts = list(dict.fromkeys(facts))
    if kept is not None:
        table, kept_id = kept
        sums_sql = f"SELECT employee_id AS grp, {', '.join(facts)} FROM {table} WHERE kept_id = %s"  # noqa: S608
        sums_params = [kept_id]
    else:
        sums_sql, sums_params = _per_employee(audience, period, facts, period.as_of())
    names = list(columns)
    people_sql, people_params = (
        people.order_by().values(**{n: F(c) for n, c in columns.items()}).query.sql_with_params()
    )
    selected = ", ".join([*(f"q.{n}" for n in names), *(f"COALESCE(s.{f}, 0)" for f in facts)])
    last, first = names.index("last_name_"), names.index("first_name_")
    statement = (
        f"SELECT {selected} FROM ({people_sql}) q LEFT JOIN ({sums_sql}) s ON s.grp = q.{names[0]}"  # noqa: S608
        f" ORDER BY q.{names[last]}, q.{names[first]}, q.{names[0]}"
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(statement, [*people_params, *sums_params])
        while rows := cursor.fetchmany(2000):
            yield from rows


def _per_person(fact: str) -> str:
    """A fact's value for one person: the expression its sum adds up."""
    sql = FACTS[fact][0]
    if sql == "COUNT(*)":
        return "1"
    if not (sql.startswith("SUM(") and sql.endswith(")")):
        raise ValueError(f"{fact}: a fact is COUNT(*) or SUM(...)")
    return sql[4:-1]


GROUP_KEYS = {
    "department": ("c.ancestor_id", "NULL", " JOIN {closure} c ON c.descendant_id = f.department_id"),
    # a manager's whole team (direct and indirect reports, not themself) through the reporting lines
    "team": ("r.manager_id", "NULL", " JOIN {lines} r ON r.member_id = f.person_id AND r.depth > 0"),
    "job_group": ("f.job_group_id", "NULL", ""),
    "education_level": ("NULL", "f.education_level", ""),
}


def fact_sums_grouped(
    audience: Audience, period: Period, facts: Iterable[str], bys: Iterable[str], *, as_of=None
) -> dict[str | None, dict[object, dict[str, Decimal]]]:
    """The organisation's sums and the sums per department (subtree), job group, education level
    and/or team (each manager's direct and indirect reports) at once:
    {None: {None: {fact: sum}}, by: {key: {fact: sum}}}. ONE statement: each
    person's facts are worked out once (a materialised CTE) and summed once per grouping, instead
    of one statement per grouping that reads every source again."""
    facts = list(dict.fromkeys(facts)) or ["people"]
    bys = list(dict.fromkeys(bys))
    as_of = as_of or period.as_of()
    sources = sorted({s for f in facts for s in FACTS[f][1]})
    columns = {c for f in facts for c in FACTS[f][2]}
    population = _population(audience, period, columns, as_of)
    ids = employees_in(audience).values("pk")
    sql, params = population.query.sql_with_params()
    params = list(params)
    parts = [f" FROM ({sql}) p"]
    for alias in sources:
        source_sql, source_params = _source(alias, ids, period, as_of).query.sql_with_params()
        parts.append(f" LEFT JOIN ({source_sql}) {alias} ON {alias}.employee_id = p.id")
        params += source_params
    per_person = ", ".join(f"{_per_person(f)} AS {f}" for f in facts)
    inner = (
        f"SELECT p.id AS person_id, p.department_id, p.job_group_id, p.education_level, {per_person}{''.join(parts)}"
    )
    sums = ", ".join(f"SUM(f.{f}) AS {f}" for f in facts)
    # the names are the fact engine's own and the groupings GROUP_KEYS's: no input reaches the text
    nulls = "NULL AS grouping, CAST(NULL AS BIGINT) AS id_key, CAST(NULL AS TEXT) AS text_key"
    selects = [f"SELECT {nulls}, {sums} FROM f"]  # noqa: S608
    closure, lines = DepartmentClosure._meta.db_table, ReportingLine._meta.db_table
    for by in bys:
        id_key, text_key, join = GROUP_KEYS[by]
        group = id_key if id_key != "NULL" else text_key
        join = join.format(closure=closure, lines=lines)
        selects.append(f"SELECT '{by}', {id_key}, {text_key}, {sums} FROM f{join} GROUP BY {group}")  # noqa: S608
    statement = f"WITH f AS MATERIALIZED ({inner}) " + " UNION ALL ".join(selects)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    result: dict = {None: {None: dict.fromkeys(facts, Decimal(0))}, **{by: {} for by in bys}}
    for grouping, id_key, text_key, *values in rows:
        key = None if grouping is None else (id_key if id_key is not None else text_key)
        if grouping is not None and key is None:
            continue  # people without a job group
        result[grouping][key] = {f: fact_value(v) for f, v in zip(facts, values, strict=True)}
    return result
