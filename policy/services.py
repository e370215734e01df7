"""Every write of the policy app: moments and their occurrences, attendance, mutes, the feed token
and learning-time policies. Keyword-only, transactional; rules that the database cannot hold live here."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.selectors import learning_items_lookup
from people.audit import audit_record, field_changes, record_fields, saved_version
from people.models import Employee
from people.signals import domain_event

from .models import (
    MOMENT_FIELDS,
    Attendance,
    CalendarFeed,
    KeptHours,
    LearningMoment,
    LearningTimePolicy,
    MomentMute,
    OccurrenceOverride,
    new_feed_token,
)
from .recurrence import is_series_start, occurrences
from .selectors import hours_per_scope, moment_in_scope, policies_version

CHECK_IN_OPENS = timedelta(minutes=30)  # before the start
CHECK_IN_CLOSES = timedelta(hours=24)  # after the end


def _clean_offsets(offsets) -> list[int]:
    try:
        values = sorted({int(v) for v in (offsets or [])}, reverse=True)
    except (TypeError, ValueError):
        raise ValidationError({"reminder_offsets": _("Reminders are whole minutes before the start.")}) from None
    if any(v < 1 or v > 60 * 24 * 14 for v in values):
        raise ValidationError({"reminder_offsets": _("A reminder lies between 1 minute and 14 days before the start.")})
    if len(values) > 5:
        raise ValidationError({"reminder_offsets": _("At most five reminders per moment.")})
    return values


def _clean_item_ids(ids) -> list[int]:
    """Catalog item numbers, in the order given, each once; every one an active catalog item."""
    try:
        values = list(dict.fromkeys(int(v) for v in (ids or [])))
    except (TypeError, ValueError):
        raise ValidationError({"suggested_item_ids": _("Suggested items are catalog item numbers.")}) from None
    if values:
        found = learning_items_lookup(values)
        missing = [v for v in values if v not in found]
        if missing:
            raise ValidationError(
                {
                    "suggested_item_ids": ngettext(
                        "No active catalog item has number %(numbers)s.",
                        "No active catalog items have numbers %(numbers)s.",
                        len(missing),
                    )
                    % {"numbers": ", ".join(str(v) for v in missing)}
                }
            )
    return values


@transaction.atomic
def moment_create(*, by: Employee | None = None, **fields) -> LearningMoment:
    unknown = set(fields) - set(MOMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    fields["reminder_offsets"] = _clean_offsets(fields.get("reminder_offsets", [1440, 15]))
    fields["suggested_item_ids"] = _clean_item_ids(fields.get("suggested_item_ids"))
    moment = LearningMoment(**fields)
    moment.full_clean()
    moment.save()
    domain_event.send(sender=LearningMoment, name="policy.moment_created", payload={"moment_id": moment.pk})
    return moment


@transaction.atomic
def moment_update(*, moment: LearningMoment, **fields) -> LearningMoment:
    unknown = set(fields) - set(MOMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if "reminder_offsets" in fields:
        fields["reminder_offsets"] = _clean_offsets(fields["reminder_offsets"])
    if "suggested_item_ids" in fields:
        fields["suggested_item_ids"] = _clean_item_ids(fields["suggested_item_ids"])
    moment = LearningMoment.objects.select_for_update().get(pk=moment.pk)
    for name, value in fields.items():
        setattr(moment, name, value)
    moment.calendar_sequence = F("calendar_sequence") + 1
    moment.full_clean(exclude=["calendar_sequence"])
    moment.save()
    moment.refresh_from_db()
    return moment


def moment_end(*, moment: LearningMoment, ends_on) -> LearningMoment:
    """End the series: no occurrence after `ends_on` (local date)."""
    return moment_update(moment=moment, ends_on=ends_on)


def _require_occurrence(moment: LearningMoment, original_start: datetime) -> None:
    if original_start is None or not is_series_start(moment, original_start):
        raise ValidationError({"original_start": _("This moment has no occurrence at that time.")})


@transaction.atomic
def occurrence_cancel(*, moment: LearningMoment, original_start: datetime, note: str = "") -> OccurrenceOverride:
    _require_occurrence(moment, original_start)
    override, _created = OccurrenceOverride.objects.update_or_create(
        moment=moment, original_start=original_start, defaults={"cancelled": True, "new_start": None, "note": note}
    )
    LearningMoment.objects.filter(pk=moment.pk).update(calendar_sequence=F("calendar_sequence") + 1)
    return override


@transaction.atomic
def occurrence_move(
    *, moment: LearningMoment, original_start: datetime, new_start: datetime, note: str = ""
) -> OccurrenceOverride:
    _require_occurrence(moment, original_start)
    if new_start is None or timezone.is_naive(new_start):
        raise ValidationError({"new_start": _("Enter the new date and time.")})
    override, _created = OccurrenceOverride.objects.update_or_create(
        moment=moment,
        original_start=original_start,
        defaults={"cancelled": False, "new_start": new_start, "note": note},
    )
    LearningMoment.objects.filter(pk=moment.pk).update(calendar_sequence=F("calendar_sequence") + 1)
    return override


@transaction.atomic
def occurrence_restore(*, moment: LearningMoment, original_start: datetime) -> None:
    OccurrenceOverride.objects.filter(moment=moment, original_start=original_start).delete()
    LearningMoment.objects.filter(pk=moment.pk).update(calendar_sequence=F("calendar_sequence") + 1)


def attendance_check_in(
    *, employee: Employee, moment: LearningMoment, original_start: datetime, now: datetime | None = None
) -> tuple[Attendance, bool]:
    """Check in once per occurrence: open from half an hour before the start to a day after the end."""
    now = now or timezone.now()
    if not moment.active or not moment_in_scope(moment=moment, employee=employee):
        raise ValidationError(_("This learning moment is not for you."))
    found = [
        o
        for o in occurrences(moment, original_start - timedelta(days=400), original_start + timedelta(days=400))
        if o.original_start == original_start
    ]
    if not found:
        raise ValidationError(_("This occurrence does not exist or has been cancelled."))
    occurrence = found[0]
    if now < occurrence.start - CHECK_IN_OPENS:
        raise ValidationError(_("Check-in opens half an hour before the start."))
    if now > occurrence.end + CHECK_IN_CLOSES:
        raise ValidationError(_("Check-in for this occurrence has closed."))
    try:
        with transaction.atomic():
            attendance, created = Attendance.objects.get_or_create(
                moment=moment,
                occurrence_start=original_start,
                employee=employee,
                defaults={"minutes": moment.duration_minutes},
            )
    except IntegrityError:  # a concurrent check-in won; the unique constraint keeps one row
        return Attendance.objects.get(moment=moment, occurrence_start=original_start, employee=employee), False
    if created:
        domain_event.send(
            sender=Attendance,
            name="policy.checked_in",
            payload={
                "moment_id": moment.pk,
                "employee_id": employee.pk,
                "occurrence": original_start.isoformat(),
                "title": moment.title,
                "host_id": moment.host_id,
            },
        )
    return attendance, created


def moment_mute(*, employee: Employee, moment: LearningMoment, muted: bool) -> bool:
    if muted:
        MomentMute.objects.get_or_create(moment=moment, employee=employee)
    else:
        MomentMute.objects.filter(moment=moment, employee=employee).delete()
    return muted


def calendar_feed_get(*, employee: Employee) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(employee=employee)
    return feed


@transaction.atomic
def calendar_feed_reset(*, employee: Employee) -> CalendarFeed:
    """A new secret: the old feed URL stops working at once."""
    feed = calendar_feed_get(employee=employee)
    feed.token = new_feed_token()
    feed.save(update_fields=["token", "reset_at"])
    return feed


POLICY_FIELDS = ("audience", "hours_per_fte", "period")


def _policy_save(policy: LearningTimePolicy) -> LearningTimePolicy:
    policy.full_clean()
    before = saved_version(policy)
    policy.save()
    changes = field_changes(before, policy, record_fields(policy))
    if changes:
        audit_record(action="time_policy.saved", obj=policy, changes=changes)
    return policy


@transaction.atomic
def policy_create(**fields) -> LearningTimePolicy:
    return _policy_save(LearningTimePolicy(**{k: v for k, v in fields.items() if k in POLICY_FIELDS}))


@transaction.atomic
def policy_update(*, policy: LearningTimePolicy, **fields) -> LearningTimePolicy:
    for name, value in fields.items():
        if name in POLICY_FIELDS:
            setattr(policy, name, value)
    return _policy_save(policy)


@transaction.atomic
def policy_delete(*, policy: LearningTimePolicy) -> None:
    audit_record(action="time_policy.deleted", obj=policy, changes=field_changes(None, policy, record_fields(policy)))
    policy.delete()


# --- kept hours per scope ----------------------------------------------------------------------


def hours_keep_due(*, today: date | None = None) -> bool:
    """Keep today's hours per scope (selectors.hours_per_scope, one statement over everyone) unless
    kept already for the policies as they are now (two small queries then), and remove an older
    day's. Beat calls it every tick, so the first tick after midnight, or after a policy was
    saved or deleted (who it governs changed), works them out. Returns whether it kept them."""
    today = today or timezone.localdate()
    policies = policies_version()  # before the sums: a policy changed meanwhile makes them stale
    kept = KeptHours.objects.filter(day=today).only("policies").first()
    if kept is not None and kept.policies == policies:
        return False
    scopes = [
        {
            "policy": s["policy"].pk if s["policy"] else None,
            "people": s["people"],
            "target": str(s["target"]),
            "hours": str(s["hours"]),
            "on_track": s["on_track"],
        }
        for s in hours_per_scope(today=today)
    ]
    with transaction.atomic():
        KeptHours.objects.update_or_create(
            day=today, defaults={"scopes": scopes, "policies": policies, "taken_at": timezone.now()}
        )
        KeptHours.objects.filter(day__lt=today).delete()
    return True
