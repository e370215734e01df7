"""The activity ledger: an event becomes one line, counted by the rules; a cancelled enrolment
becomes a reversal line. Lines are only ever appended."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Activity, ActivityKind, Outcome, Participant, PointRule
from ..points import rule_for


def _lock_participant(employee_id: int) -> Participant:
    """Every ledger write for one person takes this row's lock first, so two events at once see
    each other's points and the daily cap holds (the race test patches this to show it must)."""
    Participant.objects.get_or_create(employee_id=employee_id)
    return Participant.objects.select_for_update().get(employee_id=employee_id)


def _counted(rule, *, employee_id: int, day, subject: str, at: datetime) -> tuple[int, str]:
    if rule.points == 0:
        return 0, Outcome.OFF
    if subject and rule.repeat_days:
        since = at - timedelta(days=rule.repeat_days)
        earlier = Activity.objects.filter(
            employee_id=employee_id,
            kind=rule.kind,
            subject=subject,
            reverses=None,
            reversed_by__isnull=True,
            occurred_at__gte=since,
            occurred_at__lte=at,
        )
        if earlier.filter(points__gt=0).exists():
            return 0, Outcome.REPEAT
    if rule.daily_cap is None:
        return rule.points, Outcome.COUNTED
    today = (
        Activity.objects.filter(employee_id=employee_id, kind=rule.kind, day=day).aggregate(s=Sum("points"))["s"] or 0
    )
    room = max(rule.daily_cap - today, 0)
    if room == 0:
        return 0, Outcome.CAPPED
    if room < rule.points:
        return room, Outcome.PART_CAPPED
    return rule.points, Outcome.COUNTED


@transaction.atomic
def activity_record(
    *, employee_id: int, kind: str, source: str, subject: str = "", label: str = "", at: datetime | None = None
) -> Activity | None:
    """Record one real event for one person; None when this event was recorded before."""
    at = at or timezone.now()
    _lock_participant(employee_id)
    if Activity.objects.filter(employee_id=employee_id, kind=kind, source=source, reverses=None).exists():
        return None
    rule = rule_for(kind)
    day = timezone.localdate(at)
    points, outcome = _counted(rule, employee_id=employee_id, day=day, subject=subject, at=at)
    try:
        with transaction.atomic():
            return Activity.objects.create(
                employee_id=employee_id,
                kind=kind,
                occurred_at=at,
                day=day,
                points=points,
                outcome=outcome,
                source=source,
                subject=subject,
                label=label[:200],
            )
    except IntegrityError:  # the unique key: the same event, recorded by a concurrent writer
        return None


@transaction.atomic
def activity_reverse(*, employee_id: int, kind: str, source: str, at: datetime | None = None) -> Activity | None:
    """Undo an event's points with a line of its own (once); None when there was nothing to undo."""
    _lock_participant(employee_id)
    line = Activity.objects.filter(employee_id=employee_id, kind=kind, source=source, reverses=None).first()
    if line is None or Activity.objects.filter(reverses=line).exists():
        return None
    at = at or timezone.now()
    return Activity.objects.create(
        employee_id=employee_id,
        kind=kind,
        occurred_at=at,
        day=line.day,  # the reversal frees the cap of the day it was counted on
        points=-line.points,
        outcome=Outcome.REVERSAL,
        source=source,
        subject=line.subject,
        label=line.label,
        reverses=line,
    )


def participant_named_set(*, employee, named: bool) -> Participant:
    participant, _created = Participant.objects.get_or_create(employee=employee)
    if participant.named != named:
        participant.named = named
        participant.named_changed_at = timezone.now()
        participant.save(update_fields=["named", "named_changed_at"])
    return participant


def point_rule_save(*, kind: str, points: int, daily_cap: int | None, repeat_days: int, by) -> PointRule:
    """L&D tunes one rule; it applies to events from now on (the ledger keeps what was counted)."""
    errors = {}
    if kind not in ActivityKind.values:
        errors["kind"] = _("Unknown activity.")
    if points is None or points < 0 or points > 1000:
        errors["points"] = _("Points are between 0 and 1000.")
    if daily_cap is not None and (daily_cap < 0 or (points and daily_cap < points)):
        errors["daily_cap"] = _("The daily cap is at least the points of one event.")
    if repeat_days is None or repeat_days < 0 or repeat_days > 3650:
        errors["repeat_days"] = _("Between 0 and 3650 days.")
    if errors:
        raise ValidationError(errors)
    rule, _created = PointRule.objects.update_or_create(
        kind=kind, defaults={"points": points, "daily_cap": daily_cap, "repeat_days": repeat_days}
    )
    return rule
