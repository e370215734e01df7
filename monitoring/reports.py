"""What monitoring's pages show, assembled from the selectors in a constant number of queries: the
barrier cards with their sentences and trends, every metric, the breakdowns as table rows, a page of
people with their own figures."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from catalog.models import Format
from people.audience import Audience, AudienceKind, employees_in
from people.models import Department, EducationLevel, JobGroup
from people.selectors import DepartmentTree, rows_that_fit

from . import metrics as metric_registry
from .facts import fact_rows_per_employee, fact_sums, fact_value
from .models import MetricSnapshot, ScopeKind
from .periods import Period
from .selectors import (
    Figure,
    Light,
    barrier_indicators,
    figure_of,
    light_of,
    metric_breakdown,
    metric_values,
    share,
    thresholds,
)
from .templatetags.monitoring import value_text

# The metrics the breakdown tables and charts show, and the one each barrier card draws as a trend.
BREAKDOWN = ("participation", "completion_rate", "hours_per_fte", "budget_utilisation", "message_reach", "no_activity")
# By format only the enrolment metrics split (an item's format says nothing of budgets or messages).
FORMAT_BREAKDOWN = ("participation", "completion_rate", "elective_share", "recommendation_uptake")
TREND = {1: "hours_vs_policy", 2: "message_reach", 3: "elective_share", 4: "knows_budget"}
OVER_TIME = ("participation", "budget_utilisation")


def light_label(light: str) -> str:
    return {Light.GREEN: _("green"), Light.AMBER: _("amber"), Light.RED: _("red")}.get(light, _("no light"))


def scope_of(audience: Audience) -> tuple[str, int] | None:
    """The snapshot scope an audience has history under, or None (teams and mixed audiences)."""
    if audience.kind == AudienceKind.EVERYONE:
        return ScopeKind.ORGANISATION, 0
    if audience.kind == AudienceKind.DEPARTMENT:
        return ScopeKind.DEPARTMENT, audience.department_id
    if audience.kind == AudienceKind.JOB_GROUP:
        return ScopeKind.JOB_GROUP, audience.job_group_id
    return None


def month_ends(until: date, count: int = 12) -> list[date]:
    """The last day of each of the `count` months up to `until` (the last being `until` itself)."""
    ends, day = [], until
    for _i in range(count):
        ends.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return list(reversed(ends))


def history(audience: Audience, names, until: date) -> tuple[list[date], dict[str, list]]:
    """Month-end snapshot values of these metrics over the last twelve months (one query); None
    where no snapshot exists."""
    days = month_ends(until)
    scope = scope_of(audience)
    series = {name: [None] * len(days) for name in names}
    if scope is None:
        return days, series
    index = {d: i for i, d in enumerate(days)}
    rows = MetricSnapshot.objects.filter(
        scope_kind=scope[0], scope_id=scope[1], metric__in=list(names), day__in=days
    ).values_list("metric", "day", "value")
    for name, day, value in rows:
        series[name][index[day]] = value
    return days, series


@dataclass
class Card:
    indicator: object
    sentence: str
    trend_metric: object
    trend_rows: list  # [(month end, value or None)]

    @property
    def has_trend(self) -> bool:
        return any(v is not None for _d, v in self.trend_rows)

    @property
    def chart_id(self) -> str:
        return f"trend-{self.indicator.barrier.number}"

    @property
    def chart(self) -> dict:
        return {
            "labels": [d.strftime("%Y-%m") for d, _v in self.trend_rows],
            "values": [None if v is None else round(float(v), 2) for _d, v in self.trend_rows],
        }


@dataclass
class Row:
    key: object
    label: str
    depth: int = 0
    figures: dict = field(default_factory=dict)
    url: str = ""


def _sentence(indicator) -> str:
    reading = indicator.headline
    number = indicator.barrier.number
    if reading is None:
        return _("Barrier %(number)s: no data yet.") % {"number": number}
    said = str(reading.metric.sentence) % {"value": value_text(reading.metric.unit, reading.figure.value)}
    return _("Barrier %(number)s is %(light)s: %(sentence)s") % {
        "number": number,
        "light": light_label(indicator.light),
        "sentence": said,
    }


def cards(audience: Audience, period: Period, values: dict, today: date | None = None) -> list[Card]:
    indicators = barrier_indicators(audience, period, values=values, today=today)
    days, series = history(audience, TREND.values(), min(period.end, today or period.as_of()))
    cards = []
    for indicator in indicators:
        name = TREND[indicator.barrier.number]
        rows = list(zip(days, series[name], strict=True))
        cards.append(Card(indicator, _sentence(indicator), metric_registry.get(name), rows))
    return cards


def readings(values: dict) -> list:
    limits = thresholds()
    return [
        (m, values[m.name], light_of(m, values[m.name], limits[m.name]))
        for m in metric_registry.all_metrics()
        if m.name in values
    ]


@dataclass(frozen=True)
class Shown:
    """The departments a departments table shows, in tree order, as (id, name, depth), and whether
    deeper ones are left to their parents' pages."""

    departments: list[tuple[int, str, int]]
    more_below: bool = False

    @property
    def ids(self) -> list[int]:
        return [pk for pk, _name, _depth in self.departments]


def departments_shown(under: int | None = None) -> Shown:
    """The departments a departments table shows (one query): the direct sub-departments of `under`,
    or the organisation's tree down to the levels that fit in a table (people.selectors.
    rows_that_fit: at 50,000 people the tree has 214 departments, the deeper ones on their
    parents' pages), siblings by name."""
    names, parents = {}, {}
    for pk, name, parent_id in Department.objects.values_list("pk", "name", "parent_id"):
        names[pk], parents[pk] = name, parent_id
    order = DepartmentTree(parents).display_order(names.__getitem__)
    if under is not None:
        return Shown([(pk, names[pk], 0) for pk, _depth in order if parents[pk] == under])
    shown, more_below = rows_that_fit([(pk, names[pk], depth) for pk, depth in order], lambda row: row[2])
    return Shown(shown, more_below)


def department_rows(
    audience: Audience, period: Period, shown: Shown, *, today=None, figures=None, kept=None
) -> list[Row]:
    """The departments `shown` (departments_shown) with someone of the audience in them, each over
    its subtree. `figures`: the breakdown when already computed; `kept`: the kept sums to read it
    from (kept_figures with those departments)."""
    if figures is None:
        figures = metric_breakdown("department", audience, period, BREAKDOWN, today=today, kept=kept)
    return [Row(pk, name, depth, figures[pk]) for pk, name, depth in shown.departments if pk in figures]


def job_group_rows(audience: Audience, period: Period, today=None, figures=None, kept=None) -> list[Row]:
    if figures is None:
        figures = metric_breakdown("job_group", audience, period, BREAKDOWN, today=today, kept=kept)
    names = dict(JobGroup.objects.filter(pk__in=[k for k in figures if k]).values_list("pk", "name"))
    rows = [Row(pk, names[pk], 0, figures[pk]) for pk in figures if pk in names]
    return sorted(rows, key=lambda r: r.label)


def level_rows(audience: Audience, period: Period, today=None, figures=None, kept=None) -> list[Row]:
    if figures is None:
        figures = metric_breakdown("education_level", audience, period, BREAKDOWN, today=today, kept=kept)
    return [Row(level, str(label), 0, figures[level]) for level, label in EducationLevel.choices if level in figures]


def format_rows(audience: Audience, period: Period, today=None, kept=None) -> list[Row]:
    """Per learning format, the formats someone requested or began an item of (one statement, or
    the `kept` sums)."""
    figures = metric_breakdown("format", audience, period, FORMAT_BREAKDOWN, today=today, kept=kept)
    return [
        Row(fmt, str(label), 0, figures[fmt])
        for fmt, label in Format.choices
        if fmt in figures and (figures[fmt]["participation"].numerator or figures[fmt]["elective_share"].denominator)
    ]


def month_rows(audience: Audience, period: Period, today=None, kept=None) -> list[Row]:
    """Per calendar month of the period up to today, each month a period of its own (one statement,
    or the sums kept per month: selectors.kept_months)."""
    figures = metric_breakdown("month", audience, period, BREAKDOWN, today=today, kept=kept)
    rows = []
    for key in sorted(figures):
        first = date(int(key[:4]), int(key[5:7]), 1)
        rows.append(Row(key, date_format(first, "YEAR_MONTH_FORMAT"), 0, figures[key]))
    return rows


PEOPLE_FACTS = ("began", "finished", "hours", "attended", "used", "allocated", "viewed_budget")


@dataclass
class PersonRow:
    employee: object
    began: int
    finished: int
    hours: object
    attended: bool
    budget_use: Figure
    viewed_budget: bool


def people_rows(audience: Audience, period: Period, employees) -> list[PersonRow]:
    """Each employee of a page with their own figures for the period (one statement for the page)."""
    employees = list(employees)
    sums = fact_sums(audience, period, PEOPLE_FACTS, by="employee", only=[e.pk for e in employees])
    utilisation = metric_registry.get("budget_utilisation")
    rows = []
    for e in employees:
        s = sums.get(e.pk) or dict.fromkeys(PEOPLE_FACTS, 0)
        rows.append(
            PersonRow(
                e,
                int(s["began"]),
                int(s["finished"]),
                s["hours"],
                bool(s["attended"]),
                figure_of(utilisation, s["used"], s["allocated"]),
                bool(s["viewed_budget"]),
            )
        )
    return rows


def people_rows_streamed(audience: Audience, period: Period, kept=None):
    """Every person of the audience with their own figures, as `people_rows` gives a page of them
    and in the same order, as plain tuples (name, department, job group, began, finished, hours,
    attended, budget use % or None, looked at their budget): one statement read in chunks, for the
    downloads, with no object made per person. With `kept` (selectors.kept_people) their figures
    as the night kept them."""
    columns = {
        "id_": "id",
        "first_name_": "first_name",
        "last_name_": "last_name",
        "department_": "department__name",
        "job_group_": "job_group__name",
    }
    utilisation = metric_registry.get("budget_utilisation")
    people = people_page_queryset(audience)
    rows = fact_rows_per_employee(audience, period, PEOPLE_FACTS, people, columns, kept=kept and kept.rows)
    for _pk, first, last, department, job_group, began, finished, hours, attended, used, allocated, viewed in rows:
        use = share(utilisation, fact_value(used), fact_value(allocated))
        yield (
            f"{first} {last}".strip(),
            department or "",
            job_group or "",
            int(began),
            int(finished),
            fact_value(hours),
            bool(attended),
            use,
            bool(viewed),
        )


def people_page_queryset(audience: Audience):
    return employees_in(audience).select_related("department", "job_group").order_by("last_name", "first_name", "pk")


@dataclass
class Series:
    metric: object
    rows: list  # [(month end, value or None)]

    @property
    def chart_id(self) -> str:
        return f"over-time-{self.metric.name}"

    @property
    def chart(self) -> dict:
        return {
            "labels": [d.strftime("%Y-%m") for d, _v in self.rows],
            "values": [None if v is None else round(float(v), 2) for _d, v in self.rows],
        }


@dataclass
class Overview:
    values: dict
    cards: list
    readings: list
    over_time: list  # [Series], empty without history


def overview(audience: Audience, period: Period, today: date | None = None, values=None) -> Overview:
    values = metric_values(audience, period, today=today) if values is None else values
    days, series = history(audience, OVER_TIME, min(period.end, today or period.as_of()))
    over_time = [
        Series(metric_registry.get(name), list(zip(days, series[name], strict=True)))
        for name in OVER_TIME
        if any(v is not None for v in series[name])
    ]
    return Overview(values, cards(audience, period, values, today), readings(values), over_time)
