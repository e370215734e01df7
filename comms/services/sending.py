"""Sending: claim queued deliveries with a conditional update, send them (e-mail through the mail
backend, chat webhooks), mark each sent at once, retry failures with back-off, recover what a dead
worker left."""

import json
import logging
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import conf, emails, rendering, webhooks
from ..models import (
    Channel,
    Delivery,
    Message,
)
from ..smtp_backend import PipeliningSMTPBackend
from . import delivery as fan_out
from .delivery import _chunks

log = logging.getLogger(__name__)


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
            fan_out._enqueue_send(message_id, channel, lo, hi, claim_timeout.total_seconds() if claim_timeout else None)
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
        if not url:
            _mark_failed_attempt(d, token, _("No valid webhook URL on the plan."), result)
            continue
        try:
            webhooks.post_json(url, json.dumps(webhook_payload(d)).encode(), timeout=conf.webhook_timeout())
        except (webhooks.WebhookRefused, webhooks.WebhookFailed) as exc:
            _mark_failed_attempt(d, token, str(exc), result)
            continue
        _mark_sent(d, token)
        result.sent += 1
    return result


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
                fan_out._enqueue_send(message_id, channel, None, None, timeout_s)
                continue
            for part in _chunks(employee_ids, conf.send_batch()):
                fan_out._enqueue_send(message_id, channel, part[0], part[-1], timeout_s)
    if total:
        log.warning("comms: re-enqueued %s stuck deliveries", total)
    return total
