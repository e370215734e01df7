"""Heartbeats of the background processes, for the readiness endpoint: a worker records one when it
finishes a task, beat when it sends one (at most every few seconds each). Never raises: a process
whose database is away goes on with its work."""

import logging
import time

from celery.signals import beat_init, before_task_publish, task_postrun, worker_init
from django.db import DatabaseError
from django.utils import timezone

from .models import Heartbeat

log = logging.getLogger(__name__)
EVERY_SECONDS = 5.0
_last: dict[str, float] = {}
_is_beat = False
_is_worker = False  # tasks that run inline in a web process (eager mode) are no worker's


def heartbeat(name: str, *, force: bool = False) -> None:
    now = time.monotonic()
    if not force and now - _last.get(name, -EVERY_SECONDS) < EVERY_SECONDS:
        return
    try:
        Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})
        _last[name] = now
    except DatabaseError as exc:
        log.warning("heartbeat %s not recorded: %s", name, exc)


def heartbeat_ages() -> dict[str, float]:
    """Seconds since each process's last heartbeat."""
    now = timezone.now()
    return {row.name: (now - row.at).total_seconds() for row in Heartbeat.objects.all()}


@beat_init.connect(dispatch_uid="ops_beat_init")
def _beat_started(sender=None, **kwargs):
    global _is_beat
    _is_beat = True
    heartbeat("beat", force=True)


@before_task_publish.connect(dispatch_uid="ops_beat_sent")
def _beat_sent(sender=None, **kwargs):
    if _is_beat:
        heartbeat("beat")


@worker_init.connect(dispatch_uid="ops_worker_init")
def _worker_started(sender=None, **kwargs):
    global _is_worker
    _is_worker = True  # the pool's children are forked after this and inherit it


@task_postrun.connect(dispatch_uid="ops_worker_ran")
def _worker_ran(sender=None, **kwargs):
    if _is_worker:
        heartbeat("worker")
