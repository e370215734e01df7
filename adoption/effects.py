"""The programme's effect on the four barriers: each barrier metric of the pilot and of a comparison
group at the cycle's start (frozen in CycleFigure) and now, and the difference of the two changes
(difference-in-differences), so a rise everywhere is not read as the programme's success.

Everything comes from monitoring's nightly snapshots (a metric's sums over the 365 days up to a day,
per department subtree and per job group), read set-based: the latest snapshot on or before a day,
for every programme's scopes and every metric, in one statement. "The rest of the organisation" is
the organisation's sums minus the pilot's: the facts behind every fact-based metric are sums over
people, so the rest's ratio is (org numerator − pilot numerator) / (org denominator − pilot
denominator). The survey-based metrics (perception gap, awareness) have no per-department
snapshots and are left out of the comparison.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from monitoring import metrics as metric_registry
from monitoring.models import MetricSnapshot, ScopeKind
from monitoring.selectors import BARRIERS, LIGHT_ORDER, Figure, Light, figure_of, light_of, thresholds
from people.audience import Audience, AudienceKind

from .models import Cycle, CycleFigure, Group, Programme

FOUR = Decimal("0.0001")
# How far back "the latest snapshot" may lie: the demo and a restored backup keep month ends only;
# more than a month without snapshots means no figure, not an old one.
STALE_DAYS = 35
REST = "rest"  # the comparison scope "the rest of the organisation"


def barrier_metrics() -> list[str]:
    """The fact-based metrics of the four barrier cards, in card order."""
    return [n for b in BARRIERS for n in b.metrics if not metric_registry.get(n).from_survey]


def pilot_scope(audience: Audience) -> tuple[str, int]:
    if audience.kind == AudienceKind.DEPARTMENT:
        return ScopeKind.DEPARTMENT, audience.department_id
    if audience.kind == AudienceKind.JOB_GROUP:
        return ScopeKind.JOB_GROUP, audience.job_group_id
    return ScopeKind.ORGANISATION, 0


def comparison_scope(programme: Programme) -> tuple[str, int]:
    if programme.comparison_department_id:
        return ScopeKind.DEPARTMENT, programme.comparison_department_id
    return REST, 0


Sums = dict[tuple[str, str, int], tuple[Decimal, Decimal]]  # (metric, kind, id) -> (numerator, denominator)


def _latest_sums(scopes: set[tuple[str, int]], days: set[date], metrics: list[str]) -> dict[date, Sums]:
    """For each day asked, the latest snapshot on or before it (within STALE_DAYS) of each metric
    and scope: one statement for all of them."""
    if not scopes or not days:
        return {}
    wanted = set(scopes)
    if any(kind == REST for kind, _id in wanted):
        wanted = {s for s in wanted if s[0] != REST} | {(ScopeKind.ORGANISATION, 0)}
    where = Q()
    for kind, scope_id in wanted:
        where |= Q(scope_kind=kind, scope_id=scope_id)
    when = Q()
    for day in days:
        when |= Q(day__gte=day - timedelta(days=STALE_DAYS), day__lte=day)
    rows = list(
        MetricSnapshot.objects.filter(where, when, metric__in=metrics)
        .order_by("day")
        .values_list("metric", "scope_kind", "scope_id", "day", "numerator", "denominator")
    )
    result: dict[date, Sums] = {}
    for wanted_day in days:
        sums: Sums = {}
        for metric, kind, scope_id, day, num, den in rows:  # oldest first: the last one wins
            if wanted_day - timedelta(days=STALE_DAYS) <= day <= wanted_day:
                sums[(metric, kind, scope_id)] = (num, den)
        result[wanted_day] = sums
    return result


def _figure(metric: str, sums: Sums, scope: tuple[str, int], pilot: tuple[str, int]) -> Figure:
    m = metric_registry.get(metric)
    kind, scope_id = scope
    if kind == REST:
        org = sums.get((metric, ScopeKind.ORGANISATION, 0))
        own = sums.get((metric, *pilot))
        if org is None or own is None:
            return Figure(None, Decimal(0), Decimal(0), "empty")
        return figure_of(m, org[0] - own[0], org[1] - own[1])
    found = sums.get((metric, kind, scope_id))
    if found is None:
        return Figure(None, Decimal(0), Decimal(0), "empty")
    return figure_of(m, *found)


def figures_on(programmes: list[Programme], day: date) -> dict[int, dict[str, dict[str, Figure]]]:
    """{programme id: {group: {metric: Figure}}} on a day, for many programmes in one statement."""
    metrics = barrier_metrics()
    scopes = {}
    for p in programmes:
        scopes[p.pk] = (pilot_scope(p.audience), comparison_scope(p))
    all_scopes = {s for pair in scopes.values() for s in pair} | {pair[0] for pair in scopes.values()}
    sums = _latest_sums(all_scopes, {day}, metrics).get(day, {})
    return {
        pk: {
            Group.PILOT: {m: _figure(m, sums, pilot, pilot) for m in metrics},
            Group.COMPARISON: {m: _figure(m, sums, comparison, pilot) for m in metrics},
        }
        for pk, (pilot, comparison) in scopes.items()
    }


def freeze(cycle: Cycle) -> int:
    """Write the cycle's figures at its start (the latest snapshots on or before its first day), once."""
    figures = figures_on([cycle.programme], cycle.starts_on)[cycle.programme_id]
    rows = [
        CycleFigure(
            cycle=cycle,
            metric=metric,
            group=group,
            value=None if f.value is None else f.value.quantize(FOUR),
            numerator=Decimal(f.numerator).quantize(FOUR),
            denominator=Decimal(f.denominator).quantize(FOUR),
        )
        for group, by_metric in figures.items()
        for metric, f in by_metric.items()
    ]
    CycleFigure.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- reading the effect ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    metric: object  # monitoring.metrics.Metric
    pilot_start: Decimal | None
    pilot_now: Decimal | None
    comparison_start: Decimal | None
    comparison_now: Decimal | None

    @staticmethod
    def _delta(a, b):
        return None if a is None or b is None else b - a

    @property
    def pilot_change(self) -> Decimal | None:
        return self._delta(self.pilot_start, self.pilot_now)

    @property
    def comparison_change(self) -> Decimal | None:
        return self._delta(self.comparison_start, self.comparison_now)

    @property
    def effect(self) -> Decimal | None:
        """The pilot's change minus the comparison group's (in the metric's unit)."""
        p, c = self.pilot_change, self.comparison_change
        return None if p is None or c is None else p - c

    @property
    def verdict(self) -> str:
        """ "better", "worse" or "same" in the metric's direction; "" without figures."""
        effect = self.effect
        if effect is None:
            return ""
        if effect == 0:
            return "same"
        better = effect > 0 if self.metric.higher_is_better else effect < 0
        return "better" if better else "worse"


@dataclass(frozen=True)
class BarrierEffect:
    barrier: object  # monitoring.selectors.Barrier
    light_start: str
    light_now: str
    changes: tuple[Change, ...]

    @property
    def verdict(self) -> str:
        verdicts = {c.verdict for c in self.changes if c.verdict}
        if not verdicts:
            return ""
        if verdicts == {"better"} or verdicts == {"better", "same"}:
            return "better"
        if "worse" in verdicts and "better" not in verdicts:
            return "worse"
        return "mixed" if "better" in verdicts else "same"


def _worst(lights: list[str]) -> str:
    lights = [lt for lt in lights if lt != Light.NONE]
    return min(lights, key=LIGHT_ORDER.__getitem__) if lights else Light.NONE


def _frozen(cycle: Cycle) -> dict[str, dict[str, Figure]]:
    result: dict[str, dict[str, Figure]] = {Group.PILOT: {}, Group.COMPARISON: {}}
    for f in cycle.figures.all():  # prefetched by the selectors
        result[f.group][f.metric] = Figure(f.value, f.numerator, f.denominator, "" if f.value is not None else "empty")
    return result


def effects_of(cycles: list[Cycle], *, today: date) -> dict[int, list[BarrierEffect]]:
    """Each cycle's four barriers: the pilot's light at the start and now, and per metric the frozen
    and live figures of both groups with the effect. One statement for every cycle's live figures,
    one for the thresholds (the frozen figures come prefetched)."""
    if not cycles:
        return {}
    limits = thresholds()
    by_day: dict[date, list[Cycle]] = {}
    for c in cycles:
        by_day.setdefault(min(today, c.ends_on), []).append(c)
    programmes = {c.programme_id: c.programme for c in cycles}
    metrics = barrier_metrics()
    scopes = {pid: (pilot_scope(p.audience), comparison_scope(p)) for pid, p in programmes.items()}
    all_scopes = {s for pair in scopes.values() for s in pair}
    sums_by_day = _latest_sums(all_scopes, set(by_day), metrics)
    result = {}
    for day, day_cycles in by_day.items():
        sums = sums_by_day.get(day, {})
        for cycle in day_cycles:
            pilot, comparison = scopes[cycle.programme_id]
            start = _frozen(cycle)
            cards = []
            for barrier in BARRIERS:
                changes = []
                for name in barrier.metrics:
                    if name not in metrics:
                        continue
                    m = metric_registry.get(name)
                    changes.append(
                        Change(
                            m,
                            start[Group.PILOT].get(name, Figure(None, 0, 0)).value,
                            _figure(name, sums, pilot, pilot).value,
                            start[Group.COMPARISON].get(name, Figure(None, 0, 0)).value,
                            _figure(name, sums, comparison, pilot).value,
                        )
                    )
                light_start = _worst(
                    [light_of(c.metric, Figure(c.pilot_start, 0, 0), limits[c.metric.name]) for c in changes]
                )
                light_now = _worst(
                    [light_of(c.metric, Figure(c.pilot_now, 0, 0), limits[c.metric.name]) for c in changes]
                )
                cards.append(BarrierEffect(barrier, light_start, light_now, tuple(changes)))
            result[cycle.pk] = cards
    return result
