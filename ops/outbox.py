"""The transactional outbox: `outbox_enqueue` records a Celery task in the caller's transaction, so
the work an action must cause is committed with the action or not at all. It is relayed to the
broker right after the commit and, when that fails (the broker is away, the process died), by the
sweep (`outbox_relay_pending`, on beat) once the broker is back. A broker outage never turns a
person's action into an error, and loses nothing: every task relayed is idempotent."""

import logging
import time
from datetime import timedelta
from functools import partial

import redis
from celery import current_app
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import KombuError

from .models import OutboxTask

log = logging.getLogger(__name__)

# What a broker that is away raises when a task is published.
BROKER_ERRORS = (KombuError, redis.RedisError, OSError)
# A relayer holds a row this long; a relayer that died is taken over afterwards.
CLAIM_SECONDS = 120
# After a failed publish, this process leaves relaying to the sweep for a while, so a broker outage
# costs one socket timeout per process and period, not one per request.
PAUSE_AFTER_FAILURE_SECONDS = 30.0

_paused_until = 0.0


def outbox_enqueue(task: str, *args, **kwargs) -> OutboxTask:
    """Record `task(*args, **kwargs)` now (inside the caller's transaction) and relay it on commit."""
    row = OutboxTask.objects.create(task=task, args=list(args), kwargs=kwargs)
    transaction.on_commit(partial(_relay_after_commit, row.pk))
    return row


def _relay_after_commit(pk: int) -> None:
    if time.monotonic() >= _paused_until:
        outbox_relay(pk=pk)


def outbox_relay(*, pk: int) -> bool:
    """Publish one recorded task unless another relayer holds it or it went out; True when sent."""
    global _paused_until
    now = timezone.now()
    claimed = (
        OutboxTask.objects.filter(pk=pk, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    row = OutboxTask.objects.get(pk=pk)
    try:
        _task(row.task).apply_async(args=row.args, kwargs=row.kwargs, retry=False)  # the sweep retries
    except BROKER_ERRORS as exc:
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
        log.warning("outbox: %s not published (%s); the sweep sends it when the broker is back", row, exc)
        OutboxTask.objects.filter(pk=pk).update(claimed_until=None, last_error=str(exc)[:500])
        return False
    OutboxTask.objects.filter(pk=pk).update(sent_at=timezone.now(), claimed_until=None, last_error="")
    return True


def _task(name: str):
    """The registered task; a web process has not always imported every app's tasks module yet."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def outbox_relay_pending(*, grace_seconds: float = 5.0, limit: int = 1000) -> int:
    """The sweep: publish, oldest first, what was recorded more than `grace_seconds` ago and is
    still unsent (the relay after the commit has had its chance). Returns how many went out."""
    global _paused_until
    _paused_until = 0.0  # the sweep itself is how we learn the broker is back
    now = timezone.now()
    pending = (
        OutboxTask.objects.filter(sent_at__isnull=True, created_at__lt=now - timedelta(seconds=grace_seconds))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in list(pending):
        if outbox_relay(pk=pk):
            sent += 1
        elif time.monotonic() < _paused_until:
            break  # the broker is still away: the next sweep goes on
    return sent


def outbox_prune(*, keep_days: int = 7) -> int:
    """Forget what was sent more than `keep_days` ago; unsent rows are never deleted."""
    cutoff = timezone.now() - timedelta(days=keep_days)
    return OutboxTask.objects.filter(sent_at__lt=cutoff).delete()[0]


def outbox_pending() -> tuple[int, float | None]:
    """How many tasks wait to be published, and the age in seconds of the oldest."""
    rows = OutboxTask.objects.filter(sent_at__isnull=True)
    oldest = rows.order_by("created_at").values_list("created_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else None
    return rows.count(), age
