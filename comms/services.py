"""Every write of the comms app: messages, deliveries (fan-out, claiming, sending, recovery),
preferences, and the 5W plan.

How a message is delivered once and only once per person and channel:
1. `message_send` inserts the Delivery rows set-based (`INSERT ... SELECT ... ON CONFLICT DO
   NOTHING`); the unique constraint (message, employee, channel) makes a second or concurrent call
   insert nothing. Sending tasks are enqueued on commit, so a rollback sends nothing.
2. `deliveries_send` claims its rows with one conditional UPDATE (queued, unclaimed or claim
   stale); a concurrent or retried task finds nothing left to claim. Each row is marked sent
   straight after its send, so a crash redoes at most the one message in flight.
3. `deliveries_recover` (beat) re-enqueues rows stuck queued or claimed by a dead worker.
"""

import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import Employee

from . import conf, emails, rendering
from .models import (
    DEFAULT_CHANNELS,
    PERSONAL_CHANNELS,
    Category,
    Channel,
    CommunicationPlan,
    Delivery,
    Message,
    OptOut,
    When,
)
from .smtp_backend import PipeliningSMTPBackend

log = logging.getLogger(__name__)


def _chunks(seq: list, size: int):
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


# --- messages ------------------------------------------------------------------------------------


def system_message_upsert(
    *, key: str, subject: str, body: str, link: str = "", category: str = "system", mandatory: bool = False
) -> Message:
    """The message other apps send by code, found or made by its key (idempotent)."""
    if category not in Category.values:
        raise ValidationError({"category": _("Unknown category %(c)s.") % {"c": category}})
    message = Message(key=key, subject=subject, body=body, link=link, category=category, mandatory=mandatory)
    message.clean()
    message, _created = Message.objects.update_or_create(
        key=key,
        defaults={
            "subject": subject,
            "body": body,
            "link": link,
            "category": category,
            "mandatory": mandatory,
            "channels": DEFAULT_CHANNELS,
        },
    )
    return message


# --- fan-out -------------------------------------------------------------------------------------

_INSERT_SQL = """
INSERT INTO {delivery} (message_id, employee_id, channel, status, attempts, error, created_at, sent_at)
SELECT %s, e.id, ch.channel,
       CASE WHEN ch.channel = 'in_app' THEN 'sent' ELSE 'queued' END,
       0, '', %s,
       CASE WHEN ch.channel = 'in_app' THEN %s ELSE NULL END
FROM {employee} e
CROSS JOIN ({channels}) ch
WHERE {id_filter} AND e.active
  AND (ch.channel <> 'email' OR e.email <> '')
  {opt_out}
ON CONFLICT DO NOTHING
"""

_OPT_OUT_SQL = """AND NOT EXISTS (
    SELECT 1 FROM {optout} o
    WHERE o.employee_id = e.id AND o.channel = ch.channel AND (o.category = '' OR o.category = %s))"""


def _insert_deliveries(*, message: Message, employee_ids: list[int], channels: list[str], now) -> int:
    """One set-based statement: a row per active recipient × channel they accept; returns rows added."""
    postgres = connection.vendor == "postgresql"
    sql = _INSERT_SQL.format(
        delivery=Delivery._meta.db_table,
        employee=Employee._meta.db_table,
        channels=" UNION ALL ".join(f"SELECT '{c}' AS channel" for c in channels),
        id_filter="e.id = ANY(%s)" if postgres else "e.id IN (SELECT value FROM json_each(%s))",
        opt_out="" if message.mandatory else _OPT_OUT_SQL.format(optout=OptOut._meta.db_table),
    )
    params = [message.pk, now, now, employee_ids if postgres else json.dumps(employee_ids)]
    if not message.mandatory:
        params.append(message.category)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _enqueue_send(message_id: int, channel: str, lo: int | None, hi: int | None, claim_timeout_s=None) -> None:
    from .tasks import deliveries_send_task

    transaction.on_commit(partial(deliveries_send_task.delay, message_id, channel, lo, hi, claim_timeout_s))


@transaction.atomic
def message_send(*, message: Message, employee_ids: Iterable[int]) -> int:
    """Queue `message` for these employees on its channels; returns how many deliveries are new.

    Safe to call twice or concurrently: existing (message, employee, channel) rows are skipped.
    """
    ids = sorted({int(i) for i in employee_ids})
    channels = [c for c in (message.channels or DEFAULT_CHANNELS) if c in PERSONAL_CHANNELS]
    now = timezone.now()
    created = 0
    if channels:
        batch = conf.send_batch()
        for chunk in _chunks(ids, conf.insert_chunk()):
            added = _insert_deliveries(message=message, employee_ids=chunk, channels=channels, now=now)
            created += added
            if added and Channel.EMAIL in channels:
                for part in _chunks(chunk, batch):
                    _enqueue_send(message.pk, Channel.EMAIL, part[0], part[-1])
    if Channel.WEBHOOK in (message.channels or []) and message.plan_id and message.plan.webhook_url:
        _row, made = Delivery.objects.get_or_create(
            message=message, employee=None, channel=Channel.WEBHOOK, defaults={"created_at": now}
        )
        if made:
            created += 1
            _enqueue_send(message.pk, Channel.WEBHOOK, None, None)
    return created


def notify(*, key, employee_ids, subject, body, link="", category="system", mandatory=False) -> int:
    """The `notify` provider other apps use: one message by key, sent to these employees."""
    message = system_message_upsert(
        key=key, subject=subject, body=body, link=link, category=category, mandatory=mandatory
    )
    return message_send(message=message, employee_ids=employee_ids)


# --- sending ---------------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    retry_in: float | None = None  # seconds until the earliest retry, when some must be retried
    more: bool = False  # the time budget ran out: the rest of the batch was released to a new task


def _claimable(now, claim_timeout: timedelta) -> Q:
    return Q(status=Delivery.Status.QUEUED) & (Q(claimed_at=None) | Q(claimed_at__lt=now - claim_timeout))


def deliveries_claim(*, ids: list[int], claim_timeout: timedelta | None = None) -> tuple[uuid.UUID, int]:
    """Claim these deliveries for one sender with a conditional update; returns (token, rows claimed).

    Under READ COMMITTED a concurrent claimer's UPDATE waits for ours and re-checks the condition,
    so each row ends up with exactly one token.
    """
    now = timezone.now()
    token = uuid.uuid4()
    timeout = claim_timeout if claim_timeout is not None else conf.claim_timeout()
    claimed = Delivery.objects.filter(Q(id__in=ids) & _claimable(now, timeout)).update(
        claimed_at=now, claim_token=token, attempts=F("attempts") + 1
    )
    return token, claimed


def deliveries_send(
    *,
    message_id: int,
    channel: str,
    lo: int | None = None,
    hi: int | None = None,
    claim_timeout: timedelta | None = None,
) -> SendResult:
    """Send the queued deliveries of one message on one channel (optionally employees lo..hi)."""
    now = timezone.now()
    timeout = claim_timeout if claim_timeout is not None else conf.claim_timeout()
    candidates = Delivery.objects.filter(_claimable(now, timeout), message_id=message_id, channel=channel).filter(
        Q(next_attempt_at=None) | Q(next_attempt_at__lte=now)
    )
    if lo is not None:
        candidates = candidates.filter(employee_id__gte=lo, employee_id__lte=hi)
    ids = list(candidates.values_list("id", flat=True)[: max(conf.send_batch() * 4, 2000)])
    if not ids:
        return _waiting_for_retry(message_id=message_id, channel=channel, lo=lo, hi=hi, now=now)
    token, _claimed = deliveries_claim(ids=ids, claim_timeout=timeout)
    rows = list(
        Delivery.objects.filter(claim_token=token, status=Delivery.Status.QUEUED)
        .select_related("employee")
        .order_by("id")
    )
    # Every row is of this one message: load it once instead of a copy per row (a model
    # instance for the message and its plan per row were a fifth of the loading).
    message = Message.objects.select_related("plan").filter(pk=message_id).first()
    if message is None:  # deleted meanwhile: its deliveries went with it
        return SendResult()
    for d in rows:
        d.message = message
    if channel == Channel.EMAIL:
        result = _send_emails(message, rows, token)
        if result.more:
            _enqueue_send(message_id, channel, lo, hi, claim_timeout.total_seconds() if claim_timeout else None)
        return result
    if channel == Channel.WEBHOOK:
        return _send_webhooks(rows, token)
    return SendResult()


def _waiting_for_retry(*, message_id, channel, lo, hi, now) -> SendResult:
    """Nothing claimable yet: if rows wait for a back-off that has not passed, say when to come back."""
    waiting = Delivery.objects.filter(
        message_id=message_id, channel=channel, status=Delivery.Status.QUEUED, next_attempt_at__gt=now
    )
    if lo is not None:
        waiting = waiting.filter(employee_id__gte=lo, employee_id__lte=hi)
    first = waiting.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
    if first is None:
        return SendResult()
    return SendResult(retry_in=max((first - now).total_seconds(), 0.1))


def _mark_sent(delivery: Delivery, token) -> None:
    Delivery.objects.filter(pk=delivery.pk, claim_token=token).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), claimed_at=None, error=""
    )


def _release(rows: list[Delivery], token) -> None:
    """Give claimed rows that were not tried back to the queue, their attempt not counted."""
    Delivery.objects.filter(
        pk__in=[d.pk for d in rows], claim_token=token, status=Delivery.Status.QUEUED, claimed_at__isnull=False
    ).update(claimed_at=None, claim_token=None, attempts=F("attempts") - 1)


def _mark_failed_attempt(delivery: Delivery, token, error: str, result: SendResult) -> None:
    """Retry later with back-off, or give up and show the reason after the last attempt."""
    attempts = delivery.attempts  # loaded after the claim, which counted this attempt
    if attempts >= conf.max_attempts():
        Delivery.objects.filter(pk=delivery.pk, claim_token=token).update(
            status=Delivery.Status.FAILED, error=error[:2000], claimed_at=None
        )
        result.failed += 1
        return
    delay = conf.backoff(attempts)
    Delivery.objects.filter(pk=delivery.pk, claim_token=token).update(
        error=error[:2000], claimed_at=None, next_attempt_at=timezone.now() + timedelta(seconds=delay)
    )
    result.retry_in = delay if result.retry_in is None else min(result.retry_in, delay)


def email_for(delivery: Delivery) -> EmailMultiAlternatives:
    """The e-mail of one delivery (for a whole batch, `emails.MessageEmails` does the shared work once)."""
    return emails.MessageEmails(delivery.message).email(delivery)


@contextmanager
def _fast_commits():
    """Each 'sent' mark commits on its own (so a crashed worker redoes at most the message in
    flight) without waiting for the WAL flush: that wait was 2.5 ms per row, more than the send.
    A PostgreSQL crash may forget the last marks; those e-mails go out again with the same
    Message-ID: a rare resend, never a loss."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO DEFAULT")


def _send_emails(message: Message, rows: list[Delivery], token) -> SendResult:
    with _fast_commits():
        return _send_emails_now(message, rows, token)


def _mark_sent_rows(ids: list[int], token) -> None:
    """One UPDATE for these rows, as plain SQL: this runs once per e-mail with per-row marks, and
    the ORM's query building cost more than the statement itself."""
    table = Delivery._meta.db_table
    params = [
        Delivery.Status.SENT,
        Delivery._meta.get_field("sent_at").get_db_prep_value(timezone.now(), connection),
        *ids,
        Delivery._meta.get_field("claim_token").get_db_prep_value(token, connection),
    ]
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, claimed_at = NULL, error = '' "  # noqa: S608 - no input
            f"WHERE id IN ({marks}) AND claim_token = %s",
            params,
        )


_MARK_STATEMENT = "lb_comms_mark_sent"


class _Marks:
    """The "sent" marks of one batch, written straight after each e-mail (COMMS_MARK_EVERY=1, the
    default: a crash resends at most the e-mail in flight) or per N e-mails in one UPDATE.

    Per row on PostgreSQL the mark is a prepared statement: parsing and planning the same UPDATE
    for every e-mail cost PostgreSQL a quarter of the mark (0.26 against 0.20 ms of machine CPU
    per mark, measured). It is prepared once per database connection (a persistent connection
    keeps it for the next batch)."""

    def __init__(self, token, every: int):
        self.token = token
        self.every = every
        self.pending: list[int] = []
        self.cursor = None
        if every == 1 and connection.vendor == "postgresql":
            self.cursor = connection.cursor()
            self.cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [_MARK_STATEMENT])
            if self.cursor.fetchone() is None:
                self.cursor.execute(
                    f"PREPARE {_MARK_STATEMENT} (varchar, timestamptz, bigint, uuid) AS "  # noqa: S608 - no input
                    f"UPDATE {Delivery._meta.db_table} SET status = $1, sent_at = $2, claimed_at = NULL, error = '' "
                    "WHERE id = $3 AND claim_token = $4"
                )

    def add(self, pk: int) -> None:
        if self.cursor is not None:
            self.cursor.execute(
                f"EXECUTE {_MARK_STATEMENT} (%s, %s, %s, %s)",
                [Delivery.Status.SENT, timezone.now(), pk, str(self.token)],
            )
            return
        self.pending.append(pk)
        if len(self.pending) >= self.every:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            _mark_sent_rows(self.pending, self.token)
            self.pending.clear()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            if self.cursor is not None:
                self.cursor.close()


def _send_emails_now(message: Message, rows: list[Delivery], token) -> SendResult:
    """Send these claimed e-mail deliveries, all of `message`, through the configured mail backend
    (one connection for the batch)."""
    result = SendResult()
    if not rows:
        return result
    mail = get_connection(fail_silently=False)
    try:
        mail.open()
    except Exception as exc:
        for d in rows:
            _mark_failed_attempt(d, token, f"{type(exc).__name__}: {exc}", result)
        return result
    try:
        _send_each(message, rows, token, mail, result)
    finally:
        mail.close()
    return result


def _send_each(message: Message, rows: list[Delivery], token, mail, result: SendResult) -> None:
    builder = emails.MessageEmails(message)  # what all of its e-mails share, worked out once
    prepare = isinstance(mail, PipeliningSMTPBackend)  # it sends the prepared bytes as they are
    deadline = time.monotonic() + conf.send_budget()
    marks = _Marks(token, conf.mark_every())
    try:
        for i, d in enumerate(rows):
            if i and time.monotonic() >= deadline:
                marks.flush()
                _release(rows[i:], token)
                result.more = True
                break
            try:
                if not mail.send_messages([builder.email(d, prepare=prepare)]):
                    raise RuntimeError(_("The mail backend sent nothing."))
            except Exception as exc:
                _mark_failed_attempt(d, token, f"{type(exc).__name__}: {exc}", result)
                continue
            result.sent += 1
            marks.add(d.pk)
    finally:
        marks.close()


def webhook_payload(delivery: Delivery) -> dict:
    subject, body, link = rendering.render_message(delivery.message, None)
    text = f"**{subject}**\n\n{body}"
    if link:
        text += f"\n\n{rendering.absolute(link)}"
    return {"text": text}


def _send_webhooks(rows: list[Delivery], token) -> SendResult:
    result = SendResult()
    for d in rows:
        url = d.message.plan.webhook_url if d.message.plan_id else ""
        if not url.startswith(("http://", "https://")):
            _mark_failed_attempt(d, token, _("No valid webhook URL on the plan."), result)
            continue
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            url,
            data=json.dumps(webhook_payload(d)).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=conf.webhook_timeout()) as response:  # noqa: S310
                response.read(1024)
        except urllib.error.HTTPError as exc:
            _mark_failed_attempt(d, token, f"HTTP {exc.code} {exc.reason}", result)
            continue
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            _mark_failed_attempt(d, token, f"{type(exc).__name__}: {exc}", result)
            continue
        _mark_sent(d, token)
        result.sent += 1
    return result


# --- recovery ------------------------------------------------------------------------------------


def deliveries_recover(*, grace: timedelta | None = None, claim_timeout: timedelta | None = None) -> int:
    """Re-enqueue deliveries stuck queued (their task lost) or claimed by a dead worker.

    Safe when two beats run it at once: the tasks it enqueues claim before sending.
    Returns the number of deliveries found stuck.
    """
    now = timezone.now()
    grace = grace if grace is not None else conf.sweep_grace()
    timeout = claim_timeout if claim_timeout is not None else conf.claim_timeout()
    waiting = Q(claimed_at=None, created_at__lte=now - grace) & (
        Q(next_attempt_at=None) | Q(next_attempt_at__lte=now - grace)
    )
    # A large fan-out drains for minutes; while its e-mails keep going out, its waiting rows are
    # not stuck, only behind in the queue (re-enqueueing them would only pile up empty tasks).
    progressing = set(
        Delivery.objects.filter(sent_at__gte=now - grace, status=Delivery.Status.SENT)
        .exclude(channel=Channel.IN_APP)
        .values_list("message_id", flat=True)
        .distinct()
    )
    stuck = (
        Delivery.objects.filter(status=Delivery.Status.QUEUED)
        .exclude(channel=Channel.IN_APP)
        .filter(waiting | Q(claimed_at__lt=now - timeout))
        .order_by("message_id", "channel", "employee_id")
        .values_list("message_id", "channel", "employee_id", "claimed_at")[:100_000]
    )
    groups: dict[tuple[int, str], list] = {}
    total = 0
    for message_id, channel, employee_id, claimed_at in stuck:
        if claimed_at is None and message_id in progressing:
            continue
        groups.setdefault((message_id, channel), []).append(employee_id)
        total += 1
    timeout_s = timeout.total_seconds() if claim_timeout is not None else None
    with transaction.atomic():
        for (message_id, channel), employee_ids in groups.items():
            if channel == Channel.WEBHOOK:
                _enqueue_send(message_id, channel, None, None, timeout_s)
                continue
            for part in _chunks(employee_ids, conf.send_batch()):
                _enqueue_send(message_id, channel, part[0], part[-1], timeout_s)
    if total:
        log.warning("comms: re-enqueued %s stuck deliveries", total)
    return total


# --- in-app --------------------------------------------------------------------------------------


def notification_mark_read(*, employee: Employee, delivery_id: int | None = None) -> int:
    """Mark one (or, without an id, every) in-app notification of this employee read."""
    qs = Delivery.objects.filter(employee=employee, channel=Channel.IN_APP, read_at=None)
    if delivery_id is not None:
        qs = qs.filter(pk=delivery_id)
    return qs.update(read_at=timezone.now())


def delivery_record_open(*, delivery_id: int) -> bool:
    return bool(Delivery.objects.filter(pk=delivery_id, opened_at=None).update(opened_at=timezone.now()))


def delivery_record_click(*, delivery_id: int) -> bool:
    now = timezone.now()
    # A click proves the e-mail was opened even when images were blocked.
    Delivery.objects.filter(pk=delivery_id, opened_at=None).update(opened_at=now)
    return bool(Delivery.objects.filter(pk=delivery_id, clicked_at=None).update(clicked_at=now))


# --- preferences -----------------------------------------------------------------------------------


def preferences_set(*, employee: Employee, choices: dict[tuple[str, str], bool]) -> None:
    """choices: {(channel, category): receive?}. Stored as opt-outs; mandatory messages ignore them."""
    with transaction.atomic():
        for (channel, category), receive in choices.items():
            if receive:
                OptOut.objects.filter(employee=employee, channel=channel, category=category).delete()
            else:
                OptOut.objects.get_or_create(employee=employee, channel=channel, category=category)


def unsubscribe(*, employee_id: int, category: str) -> bool:
    """Stop e-mail of this category (blank: all e-mail) for the employee; idempotent."""
    if not Employee.objects.filter(pk=employee_id).exists():
        return False
    OptOut.objects.get_or_create(employee_id=employee_id, channel=Channel.EMAIL, category=category)
    return True


# --- the 5W plan -----------------------------------------------------------------------------------

W_LABELS = {
    "who": _("Who (audience)"),
    "what": _("What (subject and text)"),
    "where": _("Where (channels)"),
    "why": _("Why (reason)"),
    "when": _("When (date, recurrence or trigger)"),
}


def plan_save(*, plan: CommunicationPlan | None = None, **fields) -> CommunicationPlan:
    plan = plan or CommunicationPlan()
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_message_save(*, plan: CommunicationPlan, message: Message | None = None, **fields) -> Message:
    """Create or change a plan message; unknown placeholders are refused (with the allowed list).
    A message may be saved with W's missing: the plan just cannot be activated then."""
    message = message or Message(plan=plan)
    message.plan = plan
    for name, value in fields.items():
        setattr(message, name, value)
    message.full_clean()
    if Channel.WEBHOOK in (message.channels or []) and not plan.webhook_url:
        raise ValidationError({"channels": _("Add a chat webhook URL to the plan before choosing the chat channel.")})
    message.save()
    if message.missing_ws():
        # An active plan never holds an incomplete message: it goes back to draft, visibly.
        CommunicationPlan.objects.filter(pk=plan.pk, status=CommunicationPlan.Status.ACTIVE).update(
            status=CommunicationPlan.Status.DRAFT
        )
        plan.status = CommunicationPlan.Status.DRAFT
    return message


def plan_incomplete_messages(*, plan: CommunicationPlan) -> list[tuple[Message, list[str]]]:
    return [(m, m.missing_ws()) for m in plan.messages.filter(parent=None) if m.missing_ws()]


@transaction.atomic
def plan_activate(*, plan: CommunicationPlan) -> CommunicationPlan:
    plan = CommunicationPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.messages.filter(parent=None).exists():
        raise ValidationError(_("A plan needs at least one message before it can be activated."))
    incomplete = plan_incomplete_messages(plan=plan)
    if incomplete:
        raise ValidationError(
            [
                _("“%(message)s” lacks: %(missing)s.")
                % {"message": m.subject or _("(no subject)"), "missing": ", ".join(str(W_LABELS[w]) for w in ws)}
                for m, ws in incomplete
            ]
        )
    plan.status = CommunicationPlan.Status.ACTIVE
    plan.activated_at = timezone.now()
    plan.save(update_fields=["status", "activated_at"])
    return plan


def plan_deactivate(*, plan: CommunicationPlan) -> CommunicationPlan:
    CommunicationPlan.objects.filter(pk=plan.pk).update(status=CommunicationPlan.Status.DRAFT)
    plan.status = CommunicationPlan.Status.DRAFT
    return plan


def _occurrence(*, message: Message, key: str) -> Message:
    """The sending of a recurring or triggered message: its own Message, so each sending reaches a
    person once, and a retried trigger or second beat finds the same one by key."""
    occurrence, _created = Message.objects.get_or_create(
        key=key,
        defaults={
            "plan_id": message.plan_id,
            "parent": message,
            "category": message.category,
            "mandatory": message.mandatory,
            "subject": message.subject,
            "body": message.body,
            "link": message.link,
            "channels": message.channels,
            "reason": message.reason,
        },
    )
    return occurrence


def plan_message_send_now(*, message: Message, occurrence_key: str | None = None, employee_ids=None) -> int:
    """Send a plan message to its audience (resolved now), optionally only to some of it."""
    from .selectors import audience_ids

    target = _occurrence(message=message, key=occurrence_key) if occurrence_key else message
    ids = audience_ids(message)
    if employee_ids is not None:
        wanted = set(employee_ids)
        ids = [i for i in ids if i in wanted]
    created = message_send(message=target, employee_ids=ids)
    Message.objects.filter(pk=message.pk).update(last_sent_at=timezone.now())
    return created


def occurrences_between(message: Message, start, end) -> list:
    return message.send_times(start, end)


def plan_messages_send_due(*, now=None) -> int:
    """Beat: send the dated and recurring messages of active plans whose time has come.

    Each sending is keyed by the message and its scheduled time, so a second beat (or a rerun after
    a crash) finds the same occurrence and the unique deliveries make it a no-op.
    """
    now = now or timezone.now()
    due = Message.objects.filter(
        parent=None,
        plan__status=CommunicationPlan.Status.ACTIVE,
        when__in=[When.AT, When.RECURRING],
        send_at__lte=now,
    ).select_related("plan")
    created = 0
    for message in due:
        since = message.plan.activated_at or message.send_at
        times = occurrences_between(message, min(since, now - timedelta(days=1)), now + timedelta(seconds=1))
        if not times:
            continue
        latest = times[-1]
        if message.when == When.AT:
            if message.last_sent_at:
                continue
            created += plan_message_send_now(message=message)
        else:
            created += plan_message_send_now(message=message, occurrence_key=f"plan:{message.pk}:{latest:%Y%m%d%H%M}")
    return created


def plan_trigger_fire(*, name: str, payload: dict) -> int:
    """A domain event reached us: send the triggered messages of active plans that wait for it."""
    messages = Message.objects.filter(
        parent=None, plan__status=CommunicationPlan.Status.ACTIVE, when=When.TRIGGER, trigger=name
    ).select_related("plan")
    ref = _event_ref(payload)
    only = _event_employee_ids(name, payload)
    created = 0
    for message in messages:
        created += plan_message_send_now(
            message=message, occurrence_key=f"trigger:{message.pk}:{name}:{ref}", employee_ids=only
        )
    return created


def _event_ref(payload: dict) -> str:
    for key in ("item", "survey", "goal", "budget"):
        obj = payload.get(key)
        if obj is not None:
            return f"{key}-{getattr(obj, 'pk', obj)}"
    if payload.get("key"):
        return str(payload["key"])
    return timezone.now().strftime("%Y%m%d")


def _event_employee_ids(name: str, payload: dict):
    """Who the event concerns, when it says so (else the message's whole audience)."""
    if payload.get("employee_ids") is not None:
        return set(payload["employee_ids"])
    for key in ("employee", "employee_id"):
        value = payload.get(key)
        if value is not None:
            return {getattr(value, "pk", value)}
    if name == "catalog.item_added" and payload.get("item") is not None:
        from people.registry import EMPLOYEES_FOR_ITEM, registry

        return set(registry.use(EMPLOYEES_FOR_ITEM)(payload["item"]))
    return None


def message_test_send(*, message: Message, employee: Employee) -> None:
    """Send the message to yourself, now, by e-mail and in the app, outside the plan's reach."""
    from django.core.mail import send_mail

    subject, body, link = rendering.render_message(message, employee)
    if link:
        body += f"\n\n{rendering.absolute(link)}"
    prefix = _("Test")
    send_mail(subject=f"[{prefix}] {subject}", message=body, from_email=None, recipient_list=[employee.email])
