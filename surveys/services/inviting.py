"""Invitations and reminders, sent through the delivery service (the comms app's `notify` port):
one message per survey, kind and language, so each person gets each message once and in their
own language, however often a task runs."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ops.outbox import outbox_enqueue
from people.audience import employees_in
from people.formatting import day
from people.models import Employee
from people.notices import literal, notify_each_language

from ..models import Invitation, Kind, Status, Survey, new_token

INSERT_BATCH = 2000


def invitations_create(*, survey: Survey, now: datetime | None = None) -> int:
    """Invite everyone in the audience who is not invited yet (once: a unique constraint); the
    messages go out on commit."""
    today = timezone.localdate(now)
    ids = list(employees_in(survey.audience).values_list("pk", flat=True))
    made = Invitation.objects.bulk_create(
        [Invitation(survey=survey, employee_id=i, invited_on=today, token=new_token()) for i in ids],
        batch_size=INSERT_BATCH,
        ignore_conflicts=True,
    )
    _send_on_commit(survey.pk)
    return len(made)


def _send_on_commit(survey_id: int) -> None:
    from ..tasks import invitations_send_task

    outbox_enqueue(invitations_send_task.name, survey_id)


def _link(survey: Survey) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("surveys:answer_start", args=[survey.pk])


def _text(survey: Survey, *, reminder: bool) -> tuple[str, str]:
    """Subject and body in the active language. The title and the introduction are typed text (an
    evaluation's title holds the item's), kept from reading as the delivery service's placeholders."""
    values = {"title": literal(survey.display_title), "date": day(timezone.localtime(survey.closes_at).date())}
    if reminder:
        subject = _("Reminder: %(title)s") % values
        lead = _("You have not answered “%(title)s” yet. It is open until %(date)s.") % values
    else:
        subject = _("Your opinion, please: %(title)s") % values
        lead = _("We would like to hear from you. “%(title)s” is open until %(date)s.") % values
    privacy = (
        _("Your answers are anonymous: nobody, not even L&D staff, can see what you answered.")
        if survey.anonymous
        else _("Your answers are stored with your name, so we can follow up on them.")
    )
    intro = literal(survey.display_intro)
    return subject, "\n\n".join(part for part in (lead, intro, privacy) if part)


def _notify_by_language(survey: Survey, employee_ids: list[int], *, kind: str) -> int:
    return notify_each_language(
        key=f"surveys.{kind}:{survey.pk}",
        people=Employee.objects.filter(pk__in=employee_ids).values_list("pk", "locale"),
        compose=lambda: _text(survey, reminder=kind == "remind"),
        link=_link(survey),
        category="surveys",
    )


def invitations_send(*, survey_id: int) -> int:
    """Send the invitation to every invitee of an open survey (a second run sends nothing new)."""
    survey = Survey.objects.filter(pk=survey_id, status=Status.OPEN).first()
    if survey is None:
        return 0
    ids = list(survey.invitations.filter(follow_up=False).values_list("employee_id", flat=True))
    return _notify_by_language(survey, ids, kind="invite")


def reminders_send(*, now: datetime | None = None) -> int:
    """One reminder to those who have not answered, `reminder_days` after the survey opened."""
    now = now or timezone.now()
    sent = 0
    due = Survey.objects.filter(status=Status.OPEN, closes_at__gt=now).exclude(kind=Kind.EVALUATION)
    for survey in due:
        if survey.opened_at is None or survey.opened_at + timedelta(days=survey.reminder_days) > now:
            continue
        waiting = survey.invitations.filter(answered=False, reminders_sent=0, follow_up=False)
        ids = list(waiting.values_list("employee_id", flat=True))
        if not ids:
            continue
        with transaction.atomic():
            # Claimed by a conditional update: a concurrent run finds them claimed and sends nothing;
            # the delivery service's (message, person, channel) key covers a crash between the two.
            waiting.filter(employee_id__in=ids).update(reminders_sent=1)
            sent += _notify_by_language(survey, ids, kind="remind")
    return sent


EVALUATION_OPEN_DAYS = 91


def evaluation_invite(*, employee_id: int, item_id: int, item_title: str, now: datetime | None = None) -> bool:
    """Invite someone who completed a training to evaluate it (once), and schedule the follow-up.
    Returns whether a new invitation was made."""
    from .templates import evaluation_survey_for

    now = now or timezone.now()
    survey = evaluation_survey_for(item_id=item_id, item_title=item_title, now=now)
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            Invitation.objects.create(survey=survey, employee_id=employee_id, invited_on=today)
            if survey.follow_up_days:
                Invitation.objects.create(
                    survey=survey,
                    employee_id=employee_id,
                    invited_on=today,
                    follow_up=True,
                    follow_up_due=today + timedelta(days=survey.follow_up_days),
                )
    except IntegrityError:
        return False  # invited already: a second event or a retried task
    _notify_by_language(survey, [employee_id], kind="invite")
    return True


def follow_ups_send(*, now: datetime | None = None) -> int:
    """The evaluation's follow-up question, to whoever's follow-up date has come (once)."""
    today = timezone.localdate(now or timezone.now())
    due = Invitation.objects.filter(
        follow_up=True, follow_up_due__lte=today, reminders_sent=0, answered=False, survey__status=Status.OPEN
    ).select_related("survey")
    sent = 0
    for invitation in due:
        if Invitation.objects.filter(pk=invitation.pk, reminders_sent=0).update(reminders_sent=1):
            sent += _notify_by_language(invitation.survey, [invitation.employee_id], kind="follow_up")
    return sent
