"""Learning-moment reminders, exactly once per occurrence × offset × employee.

A beat tick finds the due (occurrence, offset) pairs and claims each by inserting a `ReminderRun`
(unique on moment × occurrence start × offset): of two ticks, one inserts and the other finds it
taken. The claimed run is sent by a task that resolves the scope at that moment and hands the
recipients to the delivery service under the key `moment:{id}:{start}:{offset}`; the service's
unique Delivery rows make a retried or redelivered task a no-op for everyone already reached. A run
claimed but not finished (a worker killed mid-batch, a lost enqueue) is re-enqueued by a later tick.
"""

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from ops.outbox import outbox_enqueue

from . import conf
from .delivery import reminder_deliver
from .models import LearningMoment, ReminderRun, ReminderStatus
from .recurrence import Occurrence, occurrences
from .selectors import _with_overrides, reminder_recipient_ids, suggested_items

log = logging.getLogger(__name__)


def reminder_key(moment_id: int, start: datetime, offset: int) -> str:
    return f"moment:{moment_id}:{start.astimezone(UTC).isoformat()}:{offset}"


def due_reminders(*, now: datetime, moments=None) -> list[tuple[Occurrence, int]]:
    """(occurrence, offset) pairs whose reminder time has come and whose occurrence is not over.

    A moved occurrence is reminded of at its new start; a cancelled one not at all."""
    if moments is None:
        moments = _with_overrides(LearningMoment.objects.filter(active=True))
    due = []
    for moment in moments:
        offsets = moment.offsets
        if not offsets:
            continue
        horizon = now + timedelta(minutes=max(offsets) + 1)
        begin = now - timedelta(minutes=moment.duration_minutes)
        for occurrence in occurrences(moment, begin, horizon, overrides=list(moment.overrides.all())):
            if occurrence.end <= now:
                continue  # over: a reminder now would be noise
            due.extend(
                (occurrence, offset) for offset in offsets if occurrence.start - timedelta(minutes=offset) <= now
            )
    return due


def reminder_claim(*, moment_id: int, start: datetime, offset: int) -> ReminderRun | None:
    """Insert-or-nothing: the run if this call claimed it, None if someone else had."""
    try:
        with transaction.atomic():
            run, created = ReminderRun.objects.get_or_create(
                moment_id=moment_id, occurrence_start=start, offset_minutes=offset
            )
    except IntegrityError:  # the other inserter committed between our read and our insert
        return None
    return run if created else None


def reminders_tick(*, now: datetime | None = None, enqueue=None) -> dict:
    """One beat tick: claim what is due, and re-enqueue claims left unfinished. Safe to run twice,
    or in two beat processes at once."""
    from .tasks import reminder_send_task

    now = now or timezone.now()
    enqueue = enqueue or (lambda run_id: outbox_enqueue(reminder_send_task.name, run_id))
    pairs = due_reminders(now=now)
    taken = set(
        ReminderRun.objects.filter(
            occurrence_start__in={o.start for o, _ in pairs} or [now], moment_id__in={o.moment_id for o, _ in pairs}
        ).values_list("moment_id", "occurrence_start", "offset_minutes")
    )
    claimed = 0
    for occurrence, offset in pairs:
        if (occurrence.moment_id, occurrence.start, offset) in taken:
            continue
        run = reminder_claim(moment_id=occurrence.moment_id, start=occurrence.start, offset=offset)
        if run is not None:
            claimed += 1
            enqueue(run.pk)
    stale_after = conf.reminder_stale()
    requeued = 0
    for run_id in ReminderRun.objects.filter(
        status=ReminderStatus.CLAIMED, claimed_at__lt=now - stale_after
    ).values_list("pk", flat=True):
        # Conditional update: of two ticks only one re-enqueues a stale run.
        if ReminderRun.objects.filter(
            pk=run_id, status=ReminderStatus.CLAIMED, claimed_at__lt=now - stale_after
        ).update(claimed_at=now, attempts=F("attempts") + 1):
            requeued += 1
            enqueue(run_id)
    return {"due": len(pairs), "claimed": claimed, "requeued": requeued}


def _finish(run: ReminderRun, status: str, reason: str = "", recipients: int = 0) -> None:
    ReminderRun.objects.filter(pk=run.pk, status=ReminderStatus.CLAIMED).update(
        status=status, reason=reason, recipients=recipients, finished_at=timezone.now()
    )


def reminder_text(moment: LearningMoment, occurrence: Occurrence) -> tuple[str, str, str]:
    local = occurrence.start.astimezone(ZoneInfo(moment.timezone))
    with translation.override(settings.LANGUAGE_CODE):
        when = formats.date_format(local, "DATETIME_FORMAT")
        subject = _("Learning moment: %(title)s, %(when)s") % {"title": moment.title, "when": when}
        where = moment.online_url or moment.location
        body = _("“%(title)s” starts %(when)s (%(zone)s).") % {
            "title": moment.title,
            "when": when,
            "zone": moment.timezone,
        }
        if where:
            body += " " + _("Where: %(where)s.") % {"where": where}
        body += " " + _("Check in from the link to count the time toward your learning hours.")
        site = settings.SITE_URL.rstrip("/")
        items = suggested_items(moment)
        if items or moment.suggested_content:
            body += "\n\n" + _("Suggested content:")
            body += "".join(f"\n- {item.title}: {site}{item.url}" for item in items)
            if moment.suggested_content:
                body += f"\n- {moment.suggested_content}"
    link = site + reverse("policy:moment_detail", kwargs={"pk": moment.pk})
    return subject, body, f"{link}?occurrence={occurrence.key}"


def reminder_send(*, run_id: int, now: datetime | None = None) -> str:
    """Send one claimed reminder. Idempotent: a second call for the same run reaches nobody twice."""
    now = now or timezone.now()
    run = ReminderRun.objects.filter(pk=run_id).first()
    if run is None or run.status != ReminderStatus.CLAIMED:
        return "done"
    moment = _with_overrides(LearningMoment.objects.filter(pk=run.moment_id)).first()
    if moment is None or not moment.active:
        _finish(run, ReminderStatus.SKIPPED, "moment inactive")
        return "skipped"
    window = occurrences(
        moment,
        run.occurrence_start,
        run.occurrence_start + timedelta(seconds=1),
        overrides=list(moment.overrides.all()),
    )
    if not window:
        _finish(run, ReminderStatus.SKIPPED, "cancelled or moved")
        return "skipped"
    occurrence = window[0]
    if occurrence.end <= now:
        _finish(run, ReminderStatus.SKIPPED, "occurrence over")
        return "skipped"
    recipients = reminder_recipient_ids(moment)
    subject, body, link = reminder_text(moment, occurrence)
    reminder_deliver(
        key=reminder_key(moment.pk, occurrence.start, run.offset_minutes),
        subject=subject,
        body=body,
        link=link,
        employee_ids=recipients,
        batch=conf.reminder_batch(),
    )
    _finish(run, ReminderStatus.SENT, recipients=len(recipients))
    return "sent"
