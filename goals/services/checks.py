"""The one validation of a goal (the form, the API and the services call it) and the warning that
the target asks for faster change than the audience ever showed."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring import metrics as metric_registry
from monitoring.models import MetricSnapshot
from monitoring.periods import Period
from monitoring.selectors import metric_value
from people.access import roles_of
from people.audience import Audience, audience_problems, audience_size, employees_in
from people.formatting import figure, percent
from people.models import Employee
from people.reporting import team_member_ids

from ..models import GOAL_AUDIENCE_KINDS
from ..selectors import goal_scope, sponsor_candidates

MAX_YEARS_AHEAD = 2
DAYS_A_MONTH = Decimal("30.44")
INFORMING_KINDS = ("learning_needs", "barrier_scan")


def deadline_limit(today: date) -> date:
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)


def show(metric_name: str, value: Decimal | None) -> str:
    """A metric's figure as the active language writes it, in its unit."""
    if value is None:
        return "–"
    metric = metric_registry.get(metric_name)
    if metric.unit == metric_registry.Unit.PERCENT:
        return percent(value, 1)
    if metric.unit == metric_registry.Unit.POINTS:
        return _("%(n)s points") % {"n": figure(value, 1)}
    if metric.unit == metric_registry.Unit.HOURS:
        return _("%(n)s hours") % {"n": figure(value, 1)}
    return figure(value, 2 if metric.unit == metric_registry.Unit.SCORE else 1)


def show_change(metric_name: str, value: Decimal) -> str:
    """A change of a metric's figure: percentage points for a percentage."""
    if metric_registry.get(metric_name).unit == metric_registry.Unit.PERCENT:
        return _("%(n)s percentage points") % {"n": figure(value, 1)}
    return show(metric_name, value)


def live_figure(metric_name: str, audience: Audience, today: date) -> Decimal | None:
    """The metric for the audience over the 365 days up to today, as a snapshot of today would
    hold it: the baseline a submission captures."""
    value = metric_value(metric_name, audience, Period.rolling_year(today), today=today).value
    return None if value is None else value.quantize(Decimal("0.0001"))


def in_own_team(manager: Employee, audience: Audience) -> bool:
    """Whether everyone in the audience is the manager or reports to them (one query)."""
    return not employees_in(audience).exclude(pk=manager.pk).exclude(pk__in=team_member_ids(manager.pk)).exists()


def goal_problems(
    *,
    owner: Employee,
    title: str,
    why: str,
    audience: Audience,
    metric: str,
    target: Decimal | None,
    deadline: date | None,
    sponsor: Employee | None,
    surveys=(),
    baseline: Decimal | None = None,
    today: date | None = None,
) -> dict[str, str]:
    """What is wrong with a goal, per field; empty when it may be saved. With a baseline (at
    submission) the target must lie beyond it in the metric's direction."""
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    if not (title or "").strip():
        problems["title"] = _("Give the goal a title.")
    if not (why or "").strip():
        problems["why"] = _("Say why it matters for the work: employees will read this sentence.")
    audience_wrong = audience_problems(
        audience.kind,
        department=audience.department_id,
        job_group=audience.job_group_id,
        kinds=GOAL_AUDIENCE_KINDS,
    )
    if audience_wrong:
        problems["audience"] = next(iter(audience_wrong.values()))
    if "audience" not in problems:
        if audience_size(audience) == 0:
            problems["audience"] = _("Nobody is in this audience.")
        else:
            roles = roles_of(owner.user) if owner.user_id else None
            if not (roles and roles.is_ld_staff) and not in_own_team(owner, audience):
                problems["audience"] = _("A manager proposes goals for their own team only.")
    if metric not in metric_registry.REGISTRY:
        problems["metric"] = _("Choose one of the metrics.")
    if target is None:
        problems["target"] = _("Enter the target.")
    elif metric in metric_registry.REGISTRY:
        unit = metric_registry.get(metric).unit
        if target < 0 or (unit == metric_registry.Unit.PERCENT and target > 100):
            problems["target"] = (
                _("The target must lie between 0 and 100 %.")
                if unit == "percent"
                else _("The target cannot be negative.")
            )
    if deadline is None:
        problems["deadline"] = _("Enter the deadline.")
    elif deadline <= today:
        problems["deadline"] = _("The deadline must lie in the future.")
    elif deadline > deadline_limit(today):
        problems["deadline"] = _("The deadline must lie within two years.")
    if sponsor is None:
        problems["sponsor"] = _("Choose a sponsor.")
    elif sponsor.pk == owner.pk:
        problems["sponsor"] = _("Nobody sponsors their own goal: choose someone else.")
    elif not sponsor_candidates().filter(pk=sponsor.pk).exists():
        problems["sponsor"] = _("%(name)s is no manager and not marked as a sponsor.") % {"name": sponsor.full_name}
    if any(s.kind not in INFORMING_KINDS for s in surveys):
        problems["surveys"] = _("Choose learning-needs surveys or barrier scans.")
    if baseline is not None and "target" not in problems and metric in metric_registry.REGISTRY:
        higher = metric_registry.get(metric).higher_is_better
        if (higher and target <= baseline) or (not higher and target >= baseline):
            values = {"baseline": show(metric, baseline)}
            problems["target"] = (
                _("Higher is better here: the target must lie above the baseline of %(baseline)s.") % values
                if higher
                else _("Lower is better here: the target must lie below the baseline of %(baseline)s.") % values
            )
    return problems


@dataclass(frozen=True)
class Pace:
    needed: Decimal  # change per month the target asks for, in the metric's direction
    best: Decimal | None  # the fastest change per month the audience showed; None without history


def best_monthly_change(metric_name: str, audience: Audience, *, today: date) -> Decimal | None:
    """The fastest improvement over any month (two snapshots at least 30 days apart, the nearest
    such pair for each start) the audience's snapshots ever show, per month; one query."""
    kind, scope_id = goal_scope(audience)
    rows = list(
        MetricSnapshot.objects.filter(
            metric=metric_name, scope_kind=kind, scope_id=scope_id, day__lte=today, value__isnull=False
        )
        .order_by("day")
        .values_list("day", "value")
    )
    sign = 1 if metric_registry.get(metric_name).higher_is_better else -1
    best, j = None, 0
    for i, (day, value) in enumerate(rows):
        j = max(j, i + 1)
        while j < len(rows) and rows[j][0] < day + timedelta(days=30):
            j += 1
        if j == len(rows):
            break
        later_day, later = rows[j]
        rate = sign * (later - value) * DAYS_A_MONTH / Decimal((later_day - day).days)
        best = rate if best is None or rate > best else best
    return best


def goal_pace(
    *, metric: str, audience: Audience, baseline: Decimal, target: Decimal, deadline: date, today: date
) -> Pace:
    months = max(Decimal((deadline - today).days), Decimal(1)) / DAYS_A_MONTH
    sign = 1 if metric_registry.get(metric).higher_is_better else -1
    needed = (sign * (target - baseline) / months).quantize(Decimal("0.01"))
    return Pace(needed, best_monthly_change(metric, audience, today=today))


def goal_warnings(
    *, metric: str, audience: Audience, baseline: Decimal | None, target: Decimal, deadline: date, today: date
) -> list[str]:
    """Warnings, not refusals: the target asks for faster change per month than this audience has
    ever shown in the snapshots."""
    if baseline is None or metric not in metric_registry.REGISTRY:
        return []
    pace = goal_pace(metric=metric, audience=audience, baseline=baseline, target=target, deadline=deadline, today=today)
    if pace.best is None or pace.needed <= pace.best:
        return []
    return [
        _(
            "This target asks for a change of %(needed)s a month; the fastest this audience ever changed "
            "in the snapshots is %(best)s a month. Is it realistic?"
        )
        % {"needed": show_change(metric, pace.needed), "best": show_change(metric, pace.best)}
    ]
