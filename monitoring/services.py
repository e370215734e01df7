"""Monitoring's writes: the thresholds L&D staff set, the snapshots and the kept figures."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateField, ExpressionWrapper, F
from django.db.models.fields.json import KeyTransform
from django.utils import timezone
from django.utils.translation import gettext as _

from people.audience import EVERYONE
from people.registry import KEPT_TEAM_FROM

from . import metrics as metric_registry
from .facts import fact_rows_keep, fact_sums, fact_sums_grouped
from .models import KeptFigures, KeptPersonFacts, MetricSnapshot, ScopeKind, Threshold
from .periods import Period
from .reports import PEOPLE_FACTS
from .selectors import kept_facts, kept_format_facts, metric_breakdown, metric_values


def threshold_problems(metric_name: str, green: Decimal | None, amber: Decimal | None) -> dict[str, str]:
    """What is wrong with a threshold pair, per field; empty when sound. The one validation the page
    and the API use."""
    if metric_name not in metric_registry.REGISTRY:
        return {"metric": _("There is no such metric.")}
    metric = metric_registry.get(metric_name)
    problems = {}
    for name, value in (("green", green), ("amber", amber)):
        if value is None:
            problems[name] = _("Enter a number.")
        elif value < 0:
            problems[name] = _("A threshold cannot be negative.")
        elif metric.unit == metric_registry.Unit.PERCENT and value > 100:
            problems[name] = _("A percentage is at most 100.")
        elif metric.unit == metric_registry.Unit.SCORE and value > 5:
            problems[name] = _("A score is at most 5.")
    if problems:
        return problems
    if metric.higher_is_better and green < amber:
        problems["green"] = _("Higher is better here: green must start at or above amber.")
    if not metric.higher_is_better and green > amber:
        problems["green"] = _("Lower is better here: green must end at or below amber.")
    return problems


@transaction.atomic
def thresholds_set(*, values: dict[str, tuple[Decimal, Decimal]]) -> None:
    """Set the thresholds of these metrics ({name: (green, amber)}); all or nothing. A pair equal to
    the metric's default removes the row, so a later change of the default applies again."""
    errors = {}
    for name, (green, amber) in values.items():
        for field_name, message in threshold_problems(name, green, amber).items():
            errors[f"{name}-{field_name}"] = message
    if errors:
        raise ValidationError(errors)
    for name, (green, amber) in values.items():
        metric = metric_registry.get(name)
        if (green, amber) == (metric.green, metric.amber):
            Threshold.objects.filter(metric=name).delete()
        else:
            Threshold.objects.update_or_create(metric=name, defaults={"green": green, "amber": amber})


# --- snapshots ----------------------------------------------------------------------------------

FOUR = Decimal("0.0001")
CATCH_UP_DAYS = 366  # a fresh install takes yesterday only; `monitoring_backfill` builds the past


def _snapshot(metric: str, kind: str, scope_id: int, day, figure) -> MetricSnapshot:
    return MetricSnapshot(
        metric=metric,
        scope_kind=kind,
        scope_id=scope_id,
        day=day,
        value=None if figure.value is None else figure.value.quantize(FOUR),
        numerator=Decimal(figure.numerator).quantize(FOUR),
        denominator=Decimal(figure.denominator).quantize(FOUR),
    )


def snapshots_take(*, day: date) -> int:
    """Every metric for the organisation, every department (its subtree) and every job group, over
    the 365 days up to `day`, as that day's snapshots: three SQL statements for the figures and one
    insert. The unique key (metric, scope, day) makes a rerun, a retry or a second beat write
    nothing twice; a day is written in one transaction, so a reader sees all of it or none.
    Returns how many rows were new."""
    period = Period.rolling_year(day)
    rows = [
        _snapshot(name, ScopeKind.ORGANISATION, 0, day, figure)
        for name, figure in metric_values(EVERYONE, period, today=day).items()
        if figure.reason != "no_survey"
    ]
    for by, kind in (("department", ScopeKind.DEPARTMENT), ("job_group", ScopeKind.JOB_GROUP)):
        for scope_id, figures in metric_breakdown(by, EVERYONE, period, today=day).items():
            rows.extend(_snapshot(name, kind, scope_id, day, figure) for name, figure in figures.items())
    with transaction.atomic():
        before = MetricSnapshot.objects.filter(day=day).count()
        MetricSnapshot.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
        return MetricSnapshot.objects.filter(day=day).count() - before


def snapshot_days_missing(*, today: date | None = None) -> list[date]:
    """The nights without the organisation's snapshot since the last one, up to yesterday (at most
    CATCH_UP_DAYS; only yesterday when there is none yet). One query."""
    yesterday = (today or timezone.localdate()) - timedelta(days=1)
    last = (
        MetricSnapshot.objects.filter(scope_kind=ScopeKind.ORGANISATION, day__lte=yesterday)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    first = yesterday if last is None else max(last + timedelta(days=1), yesterday - timedelta(days=CATCH_UP_DAYS - 1))
    return [first + timedelta(days=n) for n in range((yesterday - first).days + 1)]


def snapshots_catch_up(*, today: date | None = None) -> int:
    """Take the snapshots of every night missed, oldest first; nothing when yesterday's is there.
    Beat calls it every tick, so the first tick after midnight takes the night and a worker that
    was down catches up. Returns the number of days taken."""
    days = snapshot_days_missing(today=today)
    for day in days:
        snapshots_take(day=day)
    return len(days)


def snapshots_rebuild(*, since: date, until: date | None = None) -> int:
    """Delete and take again the snapshots from `since` to `until` (yesterday): history rebuilt
    from what the apps hold now (`manage.py monitoring_backfill`). Returns the days taken."""
    until = until or timezone.localdate() - timedelta(days=1)
    if until < since:
        return 0
    MetricSnapshot.objects.filter(day__gte=since, day__lte=until).delete()
    day = since
    while day <= until:
        snapshots_take(day=day)
        day += timedelta(days=1)
    return (until - since).days + 1


# --- kept figures -------------------------------------------------------------------------------

KEPT_BYS = ("department", "job_group", "education_level")
# A team's figures are kept from this many people up: a smaller team's statement is quick live, and
# every manager's would make the kept row grow with the organisation.
TEAM_KEPT_FROM = KEPT_TEAM_FROM


def _text_sums(sums: dict) -> dict:
    return {"" if key is None else str(key): {f: str(v) for f, v in row.items()} for key, row in sums.items()}


def figures_keep(*, period: Period, as_of: date, people: bool = False) -> KeptFigures:
    """Work out and keep every fact-based metric's sums over `period` as on `as_of`, for the
    organisation and per department, job group, education level, format and team (of
    TEAM_KEPT_FROM people or more): two statements (the
    dashboard's grouped one and the format one). With `people`, each person's own figures too (the
    people downloads', reports.PEOPLE_FACTS): one INSERT ... SELECT more. A running period's older
    state goes, with its people's rows."""
    facts = kept_facts()
    grouped = fact_sums_grouped(EVERYONE, period, facts, (*KEPT_BYS, "team"), as_of=as_of)
    grouped["team"] = {k: row for k, row in grouped["team"].items() if row["people"] >= TEAM_KEPT_FROM}
    sums = {"": _text_sums(grouped[None])} | {by: _text_sums(grouped[by]) for by in (*KEPT_BYS, "team")}
    sums["format"] = _text_sums(fact_sums(EVERYONE, period, kept_format_facts(), by="format", as_of=as_of))
    with transaction.atomic():
        kept, _new = KeptFigures.objects.update_or_create(
            start=period.start, end=period.end, as_of=as_of, defaults={"sums": sums, "taken_at": timezone.now()}
        )
        KeptPersonFacts.objects.filter(kept=kept).delete()  # a second run of the day replaces them
        if people:
            fact_rows_keep(KeptPersonFacts._meta.db_table, kept.pk, period, PEOPLE_FACTS, as_of)
        KeptFigures.objects.filter(start=period.start, end=period.end, as_of__lt=as_of).delete()
    return kept


def figures_due(*, today: date) -> list[tuple[Period, date]]:
    """The periods to keep and the day each is read on, that are not kept yet (one query): this
    year, this month and the 365 days up to today (the adoption pages' period, a snapshot's) as on
    today, and each closed month of this year and the last, and the last year, as on their last
    day."""
    wanted = [(Period.this_year(today), today), (Period.month(today.year, today.month), today)]
    wanted.append((Period.rolling_year(today), today))
    wanted.append((Period.year(today.year - 1), date(today.year - 1, 12, 31)))
    for year in (today.year - 1, today.year):
        wanted.extend((m, m.end) for m in Period.year(year).months_in() if m.end < today)
    # a row of today that lacks a fact kept since (a deploy during the day) is worked out again, so
    # the pages that read that fact need not wait for the night; older rows stay as they were
    facts = set(kept_facts())
    rows = (
        KeptFigures.objects.filter(start__gte=date(today.year - 1, 1, 1))
        .annotate(total=KeyTransform("", KeyTransform("", "sums")))
        .values_list("start", "end", "as_of", "total")
    )
    have = {(start, end, as_of) for start, end, as_of, total in rows if as_of < today or facts <= set(total or ())}
    wanted = list(dict.fromkeys(wanted))  # on 31 December of a common year the 365 days are the year
    return [(period, as_of) for period, as_of in wanted if (period.start, period.end, as_of) not in have]


def _rolling_years_drop(*, before: date) -> int:
    """Delete the kept 365 days up to a day before `before`: each day's start moves, so
    figures_keep's "a running period's older state goes" does not find yesterday's, and they would
    pile up one a day. A calendar year (a common year is 365 days too) stays. One statement."""
    rolling = KeptFigures.objects.filter(
        end__lt=before, as_of=F("end"), end=ExpressionWrapper(F("start") + timedelta(days=364), DateField())
    )
    return rolling.exclude(start__month=1, start__day=1).delete()[0]


def figures_keep_due(*, today: date | None = None) -> int:
    """Keep the figures `figures_due` names, the running ones first; nothing (after one query)
    when today's are kept. Beat calls it every tick through the snapshots' task, so the first tick
    after midnight works them out. Returns how many periods were kept."""
    today = today or timezone.localdate()
    due = figures_due(today=today)
    for period, as_of in due:  # a running period's people too: their downloads read them
        figures_keep(period=period, as_of=as_of, people=as_of == today)
    if due:
        _rolling_years_drop(before=today)
    return len(due)
