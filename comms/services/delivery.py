"""Messages and the fan-out: one set-based INSERT per chunk of recipients, a sending task per batch
enqueued on commit; `notify` is what other apps call."""

import json
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ops.outbox import outbox_enqueue
from people.models import Employee

from .. import conf
from ..models import (
    DEFAULT_CHANNELS,
    PERSONAL_CHANNELS,
    Category,
    Channel,
    Delivery,
    Message,
    OptOut,
)


def _chunks(seq: list, size: int):
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


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
    from ..tasks import deliveries_send_task

    outbox_enqueue(deliveries_send_task.name, message_id, channel, lo, hi, claim_timeout_s)


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
