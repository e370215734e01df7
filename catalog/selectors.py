"""Reads the catalog pages and the API share: search, "for you", enrolments by who may see them,
mandatory items due, the manager's team and the diversity of the offer. Each runs a fixed number of
queries whatever the size of the catalog or the organisation."""

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from people import registry as ports
from people.access import can_view_employee, roles_of
from people.audience import AUDIENCE_RELATED, AudienceMatcher, audience_condition
from people.models import EducationLevel, Employee, JobGroup
from people.registry import ITEM_RATINGS, KEPT_TEAM_SUMS, LEARNING_NEEDS_ASKED, Completion, registry
from people.reporting import team_member_ids, team_members

from .models import (
    LEVEL_SHORT,
    LEVELS,
    OPEN_STATUSES,
    SEAT_STATUSES,
    Enrolment,
    Format,
    ItemDepartmentStat,
    JobGroupSkill,
    LearningItem,
    LearningProfile,
    MandatoryRule,
    Session,
    Skill,
    Status,
    add_months,
)

# --- search ------------------------------------------------------------------------------------


def items_search(
    *,
    q: str = "",
    formats=(),
    level: str = "",
    language: str = "",
    max_hours: Decimal | None = None,
    max_cost: Decimal | None = None,
    skill: int | None = None,
    free: bool = False,
    include_inactive: bool = False,
):
    qs = LearningItem.objects.all() if include_inactive else LearningItem.objects.filter(active=True)
    for word in (q or "").split():
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word) | Q(provider__icontains=word))
    if formats:
        qs = qs.filter(format__in=list(formats))
    if level in LEVELS:
        qs = qs.filter(**{f"level_{level}": True})
    if language:
        qs = qs.filter(language=language)
    if max_hours is not None:
        qs = qs.filter(duration_hours__lte=max_hours)
    if max_cost is not None:
        qs = qs.filter(cost__lte=max_cost)
    if free:
        qs = qs.filter(cost=0)
    if skill:
        qs = qs.filter(
            Exists(LearningItem.skills.through.objects.filter(learningitem_id=OuterRef("pk"), skill_id=skill))
        )
    return qs.prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("name"))).order_by("title", "pk")


# --- for you -----------------------------------------------------------------------------------

W_NEED, W_JOB, W_LEVEL, W_FORMAT, W_RATED, W_TAKEN, W_LANGUAGE = 5, 4, 3, 2, 3, 1, 1


@dataclass
class Recommendation:
    """An item for someone and why. The reasons are kept as codes and put into words when read, in
    the language of the moment, so a cached ranking serves Dutch and English alike."""

    item: LearningItem
    score: int
    codes: list = field(default_factory=list)
    colleagues_rating: Decimal | None = None
    colleagues_completions: int = 0

    @property
    def reasons(self) -> list[str]:
        return [_reason_text(code, *args) for code, *args in self.codes]


def _reason_text(code, *args) -> str:
    if code == "need":
        return _("you want to learn %(skill)s") % {"skill": args[0]}
    if code == "job":
        return _("%(skill)s: a skill your job group needs") % {"skill": args[0]}
    if code == "format":
        return _("you asked for %(format)s") % {"format": str(Format(args[0]).label).lower()}
    if code == "level":
        return _("suits your level")
    if code == "rated":
        rating = number_format(Decimal(args[0]), 1)
        return _("colleagues rated it %(rating)s out of 5") % {"rating": rating}
    if code == "taken":
        if args[0] == 1:
            return _("a colleague in your department took it")
        return _("%(count)d colleagues in your department took it") % {"count": args[0]}
    return _("in your language")


def _flag(condition: Q):
    return ExpressionWrapper(condition, output_field=BooleanField())


def _has_skill(through, skill_ids):
    if not skill_ids:
        return Value(False)
    return Exists(through.objects.filter(learningitem_id=OuterRef("pk"), skill_id__in=skill_ids))


def _reasons(employee: Employee, job_skill_ids, need_ids, formats) -> dict:
    """One flag per reason an item suits the employee (each a column of the ranking query)."""
    through = LearningItem.skills.through
    level = employee.education_level if employee.education_level in LEVELS else None
    return {
        "r_level": _flag(Q(**{f"level_{level}": True})) if level else Value(False),
        "r_job": _has_skill(through, job_skill_ids),
        "r_need": _has_skill(through, need_ids),
        "r_format": _flag(Q(format__in=formats)) if formats else Value(False),
        "r_language": _flag(Q(language__in=[employee.locale, "multi"])),
    }


def _colleagues(qs, employee: Employee):
    """Completions in the employee's department, from the per-department table."""
    if not employee.department_id:
        return qs, {"d_done": Value(0)}
    qs = qs.annotate(
        dept=FilteredRelation("department_stats", condition=Q(department_stats__department_id=employee.department_id))
    )
    return qs, {"d_done": Coalesce(F("dept__completions"), 0)}


def item_ratings(item_ids=None) -> dict:
    """{item id: ItemRating} from the evaluations (the surveys app's ITEM_RATINGS port): the one
    place ratings come from, shown only where the evaluation's minimum group allows. One query."""
    return registry.use(ITEM_RATINGS)(None if item_ids is None else list(item_ids))


WELL_RATED = Decimal(4)  # a rating from this up earns the ranking's "rated" points


def _score(well_rated: list[int]):
    def points(name, weight):
        return Case(When(**{name: True}, then=Value(weight)), default=Value(0), output_field=IntegerField())

    return (
        points("r_need", W_NEED)
        + points("r_job", W_JOB)
        + points("r_level", W_LEVEL)
        + points("r_format", W_FORMAT)
        + points("r_language", W_LANGUAGE)
        + (
            Case(When(pk__in=well_rated, then=Value(W_RATED)), default=Value(0), output_field=IntegerField())
            if well_rated
            else Value(0)
        )
        + Case(When(d_done__gt=0, then=Value(W_TAKEN)), default=Value(0), output_field=IntegerField())
    )


def items_for_employee(*, employee: Employee, limit: int = 20) -> list[Recommendation]:
    """The catalog ranked for one employee, with the reasons in words. Six queries, whatever the
    size of the catalog: colleagues' completions come from the per-department table
    (`ItemDepartmentStat`) that a nightly task refreshes and every completion updates, the ratings
    from the evaluations (`item_ratings`)."""
    job_skill_ids = set()
    if employee.job_group_id:
        job_skill_ids = set(
            JobGroupSkill.objects.filter(job_group_id=employee.job_group_id).values_list("skill_id", flat=True)
        )
    profile = LearningProfile.objects.filter(employee=employee).first()
    need_ids = set(profile.needs.values_list("pk", flat=True)) if profile else set()
    formats = [f for f in (profile.preferred_formats if profile else []) if f in Format.values]
    taken = Enrolment.objects.filter(
        employee_id=employee.pk, item_id=OuterRef("pk"), status__in=[*OPEN_STATUSES, Status.COMPLETED]
    )
    qs, colleagues = _colleagues(LearningItem.objects.filter(active=True).exclude(Exists(taken)), employee)
    qs = qs.annotate(**_reasons(employee, job_skill_ids, need_ids, formats), **colleagues)
    ratings = item_ratings()
    well_rated = sorted(pk for pk, rating in ratings.items() if rating.mean >= WELL_RATED)
    items = list(
        qs.annotate(score=_score(well_rated))
        .order_by("-score", "-d_done", "-created_at", "pk")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("name")))[:limit]
    )
    return [_recommendation(item, job_skill_ids, need_ids, ratings.get(item.pk)) for item in items]


def _recommendation(item, job_skill_ids, need_ids, rated) -> Recommendation:
    codes = []
    skills = list(item.skills.all())
    wanted = [s.name for s in skills if s.pk in need_ids]
    if wanted:
        codes.append(("need", ", ".join(wanted)))
    needed = [s.name for s in skills if s.pk in job_skill_ids]
    if needed:
        codes.append(("job", ", ".join(needed)))
    if item.r_format:
        codes.append(("format", item.format))
    if item.r_level:
        codes.append(("level",))
    rating = rated.mean if rated is not None else None
    if rating is not None:
        codes.append(("rated", str(rating)))
    elif item.d_done:
        codes.append(("taken", item.d_done))
    if item.r_language and not codes:
        codes.append(("language",))
    return Recommendation(
        item=item, score=item.score, codes=codes, colleagues_rating=rating, colleagues_completions=item.d_done
    )


# The ranking is cached per employee. It is computed again when the catalog changes (items, their
# skills, the skills job groups need), when the employee's own profile or enrolments change, when
# their department, job group, level or language change (all in the key), and at the latest after
# RANKING_TTL seconds, which bounds how stale colleagues' ratings can be.
RANKING_TTL = 60 * 60
CATALOG_VERSION_KEY = "catalog:version"


def _employee_version_key(employee_id) -> str:
    return f"catalog:employee:{employee_id}:version"


def catalog_changed() -> None:
    cache.set(CATALOG_VERSION_KEY, time.time_ns(), None)


def employee_learning_changed(employee_id) -> None:
    cache.set(_employee_version_key(employee_id), time.time_ns(), RANKING_TTL * 2)


def for_you_key(employee: Employee, limit: int) -> str:
    """The cache key of an employee's ranking: it changes whenever the ranking may change."""
    versions = cache.get_many([CATALOG_VERSION_KEY, _employee_version_key(employee.pk)])
    return "catalog:for-you:" + ":".join(
        str(part)
        for part in (
            employee.pk,
            limit,
            versions.get(CATALOG_VERSION_KEY, 0),
            versions.get(_employee_version_key(employee.pk), 0),
            employee.department_id,
            employee.job_group_id,
            employee.education_level,
            employee.locale,
        )
    )


def for_you(*, employee: Employee, limit: int = 12, key: str | None = None) -> list[Recommendation]:
    """`items_for_employee`, through the cache: a hit costs two queries (the items and their skills)."""
    key = key or for_you_key(employee, limit)
    cached = cache.get(key)
    if cached is not None:
        items = LearningItem.objects.filter(pk__in=[row[0] for row in cached], active=True).prefetch_related(
            Prefetch("skills", queryset=Skill.objects.order_by("name"))
        )
        by_pk = {item.pk: item for item in items}
        return [
            Recommendation(
                item=by_pk[pk],
                score=score,
                codes=[tuple(c) for c in codes],
                colleagues_rating=Decimal(rating) if rating else None,
                colleagues_completions=done,
            )
            for pk, score, codes, rating, done in cached
            if pk in by_pk
        ]
    recommendations = items_for_employee(employee=employee, limit=limit)
    cache.set(
        key,
        [
            (
                r.item.pk,
                r.score,
                r.codes,
                str(r.colleagues_rating) if r.colleagues_rating else None,
                r.colleagues_completions,
            )
            for r in recommendations
        ],
        RANKING_TTL,
    )
    return recommendations


# --- enrolments --------------------------------------------------------------------------------


def _enrolments():
    return Enrolment.objects.select_related("employee", "employee__manager", "item", "session", "decided_by")


def enrolments_visible_to(user):
    """L&D staff and reporting clients see all; a person their own and (a manager) their team's."""
    roles = roles_of(user)
    if roles.is_ld_staff or roles.scopes & {"reporting:read", "lms:write", "hris:write"}:
        return _enrolments()
    if roles.employee is None:
        return Enrolment.objects.none()
    mine = Q(employee_id=roles.employee.pk)
    if roles.is_manager:
        mine |= Q(employee_id__in=team_member_ids(roles.employee.pk))
    return _enrolments().filter(mine)


def enrolments_of(employee):
    """Someone's own enrolments, for their own pages: no team condition in the statement (a top
    manager's own list must not cost her whole organisation)."""
    return _enrolments().filter(employee_id=employee.pk)


def access_enrolment(user, pk) -> Enrolment:
    """An enrolment the user may see, or 404."""
    enrolment = _enrolments().filter(pk=pk).first()
    if enrolment is None:
        raise Http404
    roles = roles_of(user)
    if roles.is_ld_staff or can_view_employee(user, enrolment.employee):
        return enrolment
    raise Http404


def approvals_waiting_for(user):
    """Requests this person decides: a manager's direct reports'; for L&D staff, the ones routed to
    them or whose manager is missing, inactive or cannot sign in. Never one's own."""
    roles = roles_of(user)
    qs = _enrolments().filter(status=Status.REQUESTED)
    me = roles.employee
    to_ld = Q(routed_to_ld=True) | Q(employee__manager__isnull=True) | Q(employee__manager__active=False)
    to_ld |= Q(employee__manager__user__isnull=True)
    mine = Q(pk__in=[])
    if me is not None:
        mine = Q(employee__manager_id=me.pk, routed_to_ld=False, employee__manager__active=True)
    condition = (mine | to_ld) if roles.is_ld_staff else mine
    if me is not None:
        qs = qs.exclude(employee_id=me.pk)
    if not roles.is_ld_staff and me is None:
        return qs.none()
    return qs.filter(condition).order_by("requested_at", "pk")


def enrolments_since(employee_ids, since, until=None) -> int:
    """How many enrolments these employees requested from `since` (up to `until`): comms measures
    what its messages led to."""
    enrolments = Enrolment.objects.filter(employee_id__in=list(employee_ids), requested_at__gte=since)
    if until is not None:
        enrolments = enrolments.filter(requested_at__lt=until)
    return enrolments.count()


def completions_since(since) -> list:
    """The COMPLETIONS_SINCE port: the catalog items completed from `since`, oldest first (one query)."""
    rows = (
        Enrolment.objects.filter(status=Status.COMPLETED, item__isnull=False, completed_at__gte=since)
        .order_by("completed_at", "pk")
        .values_list("employee_id", "item_id", "item__title", "completed_at")
    )
    return [Completion(*row) for row in rows]


_HOURS = DecimalField(max_digits=9, decimal_places=1)


def completed_learning_hours(employee_ids, start, end) -> dict[int, Decimal]:
    """Hours of the enrolments these employees completed in [start, end), per employee, in one query
    (policy counts them toward learning time). An item's duration, else the external training's."""
    rows = (
        Enrolment.objects.filter(
            employee_id__in=list(employee_ids), status=Status.COMPLETED, completed_at__gte=start, completed_at__lt=end
        )
        .values("employee_id")
        .annotate(
            hours=Sum(Coalesce("item__duration_hours", "external_hours", Value(Decimal("0")), output_field=_HOURS))
        )
    )
    return {row["employee_id"]: Decimal(row["hours"] or 0) for row in rows}


def completed_hours_per_window(windows: dict[str, tuple]):
    """Hours of the enrolments completed in each of `windows` (name -> [start, end)), one row per
    employee with a column per window, as a queryset for policy to join to its people in one
    statement (hours per scope), whatever the organisation's size."""
    hours = Coalesce("item__duration_hours", "external_hours", Value(Decimal("0")), output_field=_HOURS)
    first, last = min(w[0] for w in windows.values()), max(w[1] for w in windows.values())
    sums = {
        name: Sum(hours, filter=Q(completed_at__gte=start, completed_at__lt=end), output_field=_HOURS)
        for name, (start, end) in windows.items()
    }
    return (
        Enrolment.objects.filter(status=Status.COMPLETED, completed_at__gte=first, completed_at__lt=last)
        .order_by()
        .values("employee_id")
        .annotate(**sums)
    )


def learning_items_lookup(ids) -> dict[int, tuple[str, str]]:
    """Active items among these ids: id -> (title, catalog page), in one query (policy's suggested
    content of a learning moment). Unknown and inactive ids are left out."""
    wanted = {int(pk) for pk in ids}
    if not wanted:
        return {}
    items = LearningItem.objects.filter(pk__in=wanted, active=True).only("pk", "title")
    return {item.pk: (item.title, reverse("catalog:item_detail", args=[item.pk])) for item in items}


def employees_for_item(item) -> list[int]:
    """Active employees whose job group needs one of the item's skills, in one query (comms narrows
    the "item added in a skill of your job group" trigger with it)."""
    item_id = getattr(item, "pk", item)
    needs = JobGroupSkill.objects.filter(job_group_id=OuterRef("job_group_id"), skill__items=item_id)
    return list(Employee.objects.filter(Exists(needs), active=True).values_list("pk", flat=True))


# --- mandatory items ---------------------------------------------------------------------------


@dataclass
class Due:
    employee: Employee
    rule: MandatoryRule
    due_on: date
    overdue: bool
    last_completed: date | None = None

    @property
    def item(self):
        return self.rule.item


def mandatory_due(employees, *, today: date | None = None) -> dict[int, list[Due]]:
    """What each employee must still do, with due date and whether it is overdue. Three queries."""
    today = today or timezone.localdate()
    employees = list(employees)
    rules = list(MandatoryRule.objects.filter(active=True, item__active=True).select_related("item"))
    if not rules or not employees:
        return {}
    matcher = AudienceMatcher([r.audience for r in rules], employees)
    last = {
        (row["employee_id"], row["item_id"]): timezone.localdate(row["last"])
        for row in Enrolment.objects.filter(
            employee_id__in=[e.pk for e in employees],
            item_id__in={r.item_id for r in rules},
            status=Status.COMPLETED,
        )
        .values("employee_id", "item_id")
        .annotate(last=Max("completed_at"))
        .order_by()
    }
    result: dict[int, list[Due]] = {}
    for employee in employees:
        for rule in rules:
            if not matcher.contains(rule.audience, employee, include_inactive=True):
                continue
            done = last.get((employee.pk, rule.item_id))
            if done is None:
                start = max(rule.starts_on, employee.hired_on or rule.starts_on)
                due_on = start + timedelta(days=rule.due_days)
            elif rule.renewal_months:
                due_on = add_months(done, rule.renewal_months)
                if today < due_on - timedelta(days=rule.due_days):
                    continue  # renewed recently: nothing to do yet
            else:
                continue
            result.setdefault(employee.pk, []).append(
                Due(employee=employee, rule=rule, due_on=due_on, overdue=today > due_on, last_completed=done)
            )
    for dues in result.values():
        dues.sort(key=lambda d: d.due_on)
    return result


# --- the manager's team ------------------------------------------------------------------------


@dataclass
class TeamMember:
    employee: Employee
    learning: list = field(default_factory=list)
    completed_this_year: int = 0
    dues: list = field(default_factory=list)

    @property
    def overdue(self):
        return [d for d in self.dues if d.overdue]


def team_learning(*, manager: Employee, members=None) -> list[TeamMember]:
    """Who learns what, completions this year and mandatory items due, for `members` (one page of
    the team, from `people.paging.team_page`) or, without them, the whole team (small teams only).
    Four queries: the open and this year's enrolments of these people, then `mandatory_due`."""
    if members is None:
        members = team_members(manager.pk).select_related("job_group", "department").order_by("last_name", "first_name")
    members = list(members)
    by_id = {m.pk: TeamMember(employee=m) for m in members}
    if not members:
        return []
    year_start = timezone.localdate().replace(month=1, day=1)
    for e in (
        Enrolment.objects.filter(employee_id__in=list(by_id))  # a page's ids, never the whole team's
        .filter(Q(status__in=OPEN_STATUSES) | Q(status=Status.COMPLETED, completed_at__date__gte=year_start))
        .select_related("item")
        .order_by("requested_at")
    ):
        member = by_id[e.employee_id]
        if e.status == Status.COMPLETED:
            member.completed_this_year += 1
        else:
            member.learning.append(e)
    for employee_id, dues in mandatory_due(members).items():
        by_id[employee_id].dues = dues
    return list(by_id.values())


def _first_day_still_counting(today: date, months: int) -> date:
    """The earliest completion day whose renewal (`months` later) falls on or after `today`."""
    day = add_months(today, -months)
    while add_months(day - timedelta(days=1), months) >= today:
        day -= timedelta(days=1)
    while add_months(day, months) < today:
        day += timedelta(days=1)
    return day


def mandatory_overdue_count(*, today: date | None = None, per_person: bool = False):
    """An expression for an Employee queryset: how many active mandatory items the person is
    overdue on, with the rules of `mandatory_due` (due `due_days` after the rule's start or the
    hire date, whichever is later; a renewing rule again `renewal_months` after the last
    completion), decided in SQL so a count or filter over a whole team is one statement. Who has
    completed an item is an uncorrelated subquery (PostgreSQL hashes it once) rather than a lookup
    per person; `per_person` for a few people (a small team, a page): then each is looked up on
    the index, since hashing every completion of the item grows with the organisation (0.1 s for a
    team of 19 at 50,000 people). One small query reads the rules."""
    today = today or timezone.localdate()
    rules = list(MandatoryRule.objects.filter(active=True, item__active=True))
    if not rules:
        return Value(0)
    tz = timezone.get_current_timezone()
    total = None
    for rule in rules:
        if per_person:
            done = Enrolment.objects.filter(employee_id=OuterRef("pk"), item_id=rule.item_id, status=Status.COMPLETED)

            def has(done):
                return Q(Exists(done))
        else:
            done = Enrolment.objects.filter(item_id=rule.item_id, status=Status.COMPLETED).values("employee_id")

            def has(done):
                return Q(pk__in=done)

        cut = today - timedelta(days=rule.due_days)  # due before today: started before this day
        if rule.starts_on < cut:
            overdue = ~has(done) & (Q(hired_on__isnull=True) | Q(hired_on__lt=cut))
        else:
            overdue = Q(pk__in=[])
        if rule.renewal_months:
            first_day = _first_day_still_counting(today, rule.renewal_months)
            since = datetime.combine(first_day, datetime.min.time(), tzinfo=tz)
            overdue |= has(done) & ~has(done.filter(completed_at__gte=since))
        condition = audience_condition(rule.audience) & overdue
        flag = Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
        total = flag if total is None else total + flag
    return total


def team_overdue_people(*, manager: Employee, today: date | None = None, overdue=None) -> int:
    """How many of the manager's reports are overdue on a mandatory item: one count in SQL (after
    the rules, unless `overdue` is an expression from `mandatory_overdue_count` already)."""
    overdue = overdue if overdue is not None else mandatory_overdue_count(today=today)
    return team_members(manager.pk).annotate(overdue_n=overdue).filter(overdue_n__gt=0).count()


def team_overdue_people_shown(
    *, manager: Employee, size: int, overdue=None, fresh: bool = False
) -> tuple[int, datetime | None]:
    """`team_overdue_people` for a page, and when it was worked out (None: just now): a large
    team's (`size` active people, people.registry.KEPT_TEAM_FROM or more) as monitoring's nightly
    task kept it (the KEPT_TEAM_SUMS port), unless `fresh`; a smaller team's counted now. One
    query either way, instead of deciding for each of fifty thousand people on every visit."""
    provider = registry.find(KEPT_TEAM_SUMS)
    if provider is not None and not fresh and size >= ports.KEPT_TEAM_FROM:
        kept = provider(manager.pk, ("overdue_people_now",))
        if kept is not None:
            return int(kept.sums["overdue_people_now"]), kept.taken_at
    return team_overdue_people(manager=manager, overdue=overdue), None


# --- diversity of the offer --------------------------------------------------------------------


@dataclass
class Diversity:
    format_levels: list  # [(format label, {level: count}, total)]
    skills: list  # [(skill, {level: count}, formats count, total)]
    job_groups: list  # [(job group, [skill names], {format label: count}, {level: people})]
    gaps: list[str]
    level_labels: list
    # For each gap, the query that starts "add an item" filled in for it (format, levels, skills).
    gap_queries: list[str] = field(default_factory=list)

    @property
    def gap_items(self) -> list[tuple[str, str]]:
        return list(zip(self.gaps, self.gap_queries, strict=False))


def _format_levels(active, gaps: list, gap_queries: list) -> list:
    """(format label, {level: items}, total) per format; a format with nothing is a gap."""
    level_counts = {f"n_{lv}": Count("pk", filter=Q(**{f"level_{lv}": True})) for lv in LEVELS}
    by_format = {
        row["format"]: row for row in active.values("format").annotate(total=Count("pk"), **level_counts).order_by()
    }
    format_levels = []
    for value, label in Format.choices:
        row = by_format.get(value) or {}
        format_levels.append((label, {lv: row.get(f"n_{lv}", 0) for lv in LEVELS}, row.get("total", 0)))
        if not row:
            gaps.append(_("No %(format)s in the offer.") % {"format": str(label).lower()})
            gap_queries.append(urlencode({"format": value}))
    return format_levels


def _skills_offered() -> list:
    """(skill, {level: items}, formats, total) per skill, over the active items."""
    skill_rows = Skill.objects.annotate(
        total=Count("items", filter=Q(items__active=True), distinct=True),
        formats=Count("items__format", filter=Q(items__active=True), distinct=True),
        **{
            f"n_{lv}": Count("items", filter=Q(items__active=True, **{f"items__level_{lv}": True}), distinct=True)
            for lv in LEVELS
        },
    ).order_by("name")
    return [(s, {lv: getattr(s, f"n_{lv}") for lv in LEVELS}, s.formats, s.total) for s in skill_rows]


def _job_group_facts(active):
    """The skills each job group needs, the formats offered per skill, the people per level."""
    needs = defaultdict(list)  # job group id -> skill ids
    for jg_id, skill_id in JobGroupSkill.objects.values_list("job_group_id", "skill_id"):
        needs[jg_id].append(skill_id)
    formats_per_skill = defaultdict(lambda: defaultdict(int))
    for skill_id, fmt, n in (
        active.values_list("skills", "format").annotate(n=Count("pk")).filter(skills__isnull=False).order_by()
    ):
        formats_per_skill[skill_id][fmt] += n
    people = defaultdict(dict)
    for jg_id, level, n in (
        Employee.objects.filter(active=True, job_group__isnull=False)
        .values_list("job_group_id", "education_level")
        .annotate(n=Count("*"))  # COUNT(*): read from the index employee_group_level alone
        .order_by()
    ):
        people[jg_id][level] = n
    return needs, formats_per_skill, people


def _job_groups_offer(active, skill_by_id, gaps: list, gap_queries: list) -> list:
    """Per job group that needs skills: its skills, the formats offered for them and its people per
    level; a job group with nothing or one format on offer is a gap, as is a level nobody serves."""
    needs, formats_per_skill, people = _job_group_facts(active)
    level_label, format_label = dict(EducationLevel.choices), dict(Format.choices)
    job_groups, missing_level = [], defaultdict(list)  # (skill id, level) -> job group names
    for jg in JobGroup.objects.filter(pk__in=list(needs)).order_by("name"):
        skill_ids = [sid for sid in needs[jg.pk] if sid in skill_by_id]
        formats = defaultdict(int)
        for sid in skill_ids:
            for fmt, n in formats_per_skill[sid].items():
                formats[fmt] += n
        names = [skill_by_id[sid][0].name for sid in skill_ids]
        job_groups.append(
            (
                jg,
                names,
                {format_label[f]: n for f, n in sorted(formats.items())},
                {level_label[lv]: people[jg.pk].get(lv, 0) for lv in LEVELS},
            )
        )
        if len(formats) <= 1:
            message = (
                _("Only %(format)s for %(group)s.")
                % {"format": str(format_label[next(iter(formats))]).lower(), "group": jg.name}
                if formats
                else _("Nothing on offer for the skills %(group)s need.") % {"group": jg.name}
            )
            gaps.append(message)
            gap_queries.append(urlencode({"skills": ", ".join(names)}))
        for sid in skill_ids:
            for lv in LEVELS:
                if people[jg.pk].get(lv) and not skill_by_id[sid][1][lv]:
                    missing_level[(sid, lv)].append(jg.name)
    _level_gaps(missing_level, skill_by_id, gaps, gap_queries)
    return job_groups


def _level_gaps(missing_level: dict, skill_by_id: dict, gaps: list, gap_queries: list) -> None:
    for (sid, lv), groups in sorted(
        missing_level.items(), key=lambda kv: (skill_by_id[kv[0][0]][0].name, LEVELS.index(kv[0][1]))
    ):
        skill = skill_by_id[sid][0]
        gaps.append(
            _("No item on %(skill)s suits the %(level)s level (needed by %(groups)s).")
            % {"skill": skill.name, "level": LEVEL_SHORT[lv], "groups": ", ".join(groups)}
        )
        gap_queries.append(urlencode({"skills": skill.name, "levels": lv}))


def offer_diversity() -> Diversity:
    """Formats × education levels, per skill and per job group, with the gaps named. Five queries."""
    active = LearningItem.objects.filter(active=True)
    gaps, gap_queries = [], []
    format_levels = _format_levels(active, gaps, gap_queries)
    skills = _skills_offered()
    skill_by_id = {s.pk: (s, levels) for s, levels, _f, _t in skills}
    job_groups = _job_groups_offer(active, skill_by_id, gaps, gap_queries)
    level_label = dict(EducationLevel.choices)
    return Diversity(
        format_levels=format_levels,
        skills=skills,
        job_groups=job_groups,
        gaps=gaps,
        level_labels=[level_label[lv] for lv in LEVELS],
        gap_queries=gap_queries,
    )


@dataclass
class AskedOffered:
    """A closed learning-needs survey's answers beside the active offer: per format and per skill,
    how many asked for it and how many items there are; the gaps are what was asked and not offered."""

    asked: object | None  # people.registry.AskedFor
    formats: list = field(default_factory=list)  # [(label, people, share %, items)]
    skills: list | None = None  # [(skill name, people, share %, items)]; None when topics may not be shown
    gaps: list[str] = field(default_factory=list)
    gap_queries: list[str] = field(default_factory=list)

    @property
    def gap_items(self) -> list[tuple[str, str]]:
        return list(zip(self.gaps, self.gap_queries, strict=False))


def _share(people: int, of: int) -> Decimal:
    return (Decimal(100 * people) / of).quantize(Decimal("0.1")) if of else Decimal(0)


def asked_vs_offered() -> AskedOffered:
    """What employees asked for in the latest closed learning-needs survey (the surveys app's
    LEARNING_NEEDS_ASKED port, under its minimum groups) against the active items per format and per
    skill. The counts are SQL aggregates on both sides; a fixed number of queries."""
    active = LearningItem.objects.filter(active=True)
    skills = list(
        Skill.objects.annotate(items_n=Count("items", filter=Q(items__active=True), distinct=True)).order_by("name")
    )
    asked = registry.use(LEARNING_NEEDS_ASKED)([s.name for s in skills])
    result = AskedOffered(asked=asked)
    if asked is None:
        return result
    offered = dict(active.values_list("format").annotate(n=Count("pk")).order_by())
    label = dict(Format.choices)
    rows = [(value, people) for value, people in asked.formats.items() if value in label]
    for value, _label in Format.choices:
        if value not in asked.formats and offered.get(value):
            rows.append((value, 0))
    for value, people in sorted(rows, key=lambda r: (-r[1], str(label[r[0]]))):
        items = offered.get(value, 0)
        result.formats.append((label[value], people, _share(people, asked.respondents), items))
        if people and not items:
            result.gaps.append(
                ngettext(
                    "%(people)s person asked for %(format)s; there is none in the offer.",
                    "%(people)s people asked for %(format)s; there is none in the offer.",
                    people,
                )
                % {"people": people, "format": str(label[value]).lower()}
            )
            result.gap_queries.append(urlencode({"format": value}))
    if asked.phrases is not None:
        result.skills = []
        for skill in sorted(skills, key=lambda s: (-asked.phrases.get(s.name, 0), s.name)):
            people = asked.phrases.get(skill.name, 0)
            if not people and not skill.items_n:
                continue
            result.skills.append((skill.name, people, _share(people, asked.respondents), skill.items_n))
            if people and not skill.items_n:
                result.gaps.append(
                    ngettext(
                        "%(people)s person wants to learn %(skill)s; no active item teaches it.",
                        "%(people)s people want to learn %(skill)s; no active item teaches it.",
                        people,
                    )
                    % {"people": people, "skill": skill.name}
                )
                result.gap_queries.append(urlencode({"skills": skill.name}))
    return result


def offer_gap_count() -> int:
    return len(offer_diversity().gaps)


def item_department_stats(item: LearningItem):
    return ItemDepartmentStat.objects.filter(item=item).select_related("department").order_by("-completions")


# --- managing the offer (L&D staff) ------------------------------------------------------------


def items_for_management(*, q: str = "", format: str = "", level: str = "", active=None, provider: str = ""):
    """Every item, active or not, for L&D staff: search and filters; upcoming sessions counted."""
    qs = LearningItem.objects.all()
    for word in (q or "").split():
        qs = qs.filter(Q(title__icontains=word) | Q(provider__icontains=word) | Q(provider_key__icontains=word))
    if format:
        qs = qs.filter(format=format)
    if level in LEVELS:
        qs = qs.filter(**{f"level_{level}": True})
    if active is not None:
        qs = qs.filter(active=active)
    if provider:
        qs = qs.filter(provider=provider)
    upcoming = Q(sessions__starts_at__gt=timezone.now(), sessions__cancelled_at__isnull=True)
    return (
        qs.annotate(upcoming_sessions=Count("sessions", filter=upcoming))
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("name")))
        .order_by("title", "pk")
    )


def item_providers() -> list[str]:
    return list(
        LearningItem.objects.exclude(provider="").values_list("provider", flat=True).distinct().order_by("provider")
    )


def sessions_for_management(item: LearningItem):
    """An item's sessions in date order, with the seats booked (one query)."""
    return item.sessions.annotate(
        booked=Count("enrolments", filter=Q(enrolments__status__in=list(SEAT_STATUSES)))
    ).order_by("starts_at", "pk")


def session_with_bookings(pk) -> Session:
    return (
        Session.objects.select_related("item")
        .annotate(booked=Count("enrolments", filter=Q(enrolments__status__in=list(SEAT_STATUSES))))
        .get(pk=pk)
    )


def mandatory_rules_for_management():
    return MandatoryRule.objects.select_related("item", *AUDIENCE_RELATED).order_by(
        "item__title", "audience_kind", "pk"
    )


def job_groups_with_skills():
    return JobGroup.objects.prefetch_related(
        Prefetch("needed_skills", queryset=JobGroupSkill.objects.select_related("skill").order_by("skill__name"))
    ).order_by("name")


def requests_waiting_cost(*, employee_id: int) -> Decimal:
    """What the employee's requests waiting for a decision would cost (catalog items and external
    trainings alike): not committed to a budget yet, but on its way. One aggregate query; the budget
    page and the request form both show this figure."""
    money = DecimalField(max_digits=12, decimal_places=2)
    cost = Coalesce("item__cost", "external_cost", Value(Decimal("0.00")), output_field=money)
    requested = Enrolment.objects.filter(employee_id=employee_id, status=Status.REQUESTED)
    return requested.aggregate(total=Sum(cost))["total"] or Decimal("0.00")


def over_budget_warning(*, employee, cost: Decimal, available: Decimal | None) -> dict | None:
    """The figures of the request form's warning when the requests waiting plus this one come to
    more than is available (None when they do not, or no budget covers the person)."""
    if available is None or employee is None:
        return None
    waiting = requests_waiting_cost(employee_id=employee.pk)
    if waiting + (cost or 0) <= available:
        return None
    return {"waiting": waiting, "cost": cost or Decimal("0.00"), "available": available}
