"""Tunables of the delivery service, read from the environment (defaults suit production)."""

import os
from datetime import timedelta


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def send_batch() -> int:
    """Recipients per sending task. A crash redoes at most the e-mail in flight whatever the size;
    larger batches spend less per e-mail on the task itself (claim, rows, connections): 2,000 sent
    100,000 e-mails in 32 s where 500 took 38 s (bench.fanout). A slow mail server is handled by
    the time budget below, not by small batches."""
    return _int("COMMS_SEND_BATCH", 2000)


def send_budget() -> float:
    """Seconds a sending task keeps sending before it hands the rest of its batch to a new task
    (released at once, not left claimed): well inside the task's soft time limit, so a slow mail
    server never makes a task overrun it."""
    return _float("COMMS_SEND_BUDGET_SECONDS", 120.0)


def insert_chunk() -> int:
    """Recipients per INSERT ... SELECT statement."""
    return _int("COMMS_INSERT_CHUNK", 5000)


def mark_every() -> int:
    """E-mails sent before their 'sent' marks are written (in one UPDATE). 1, the default, means a
    crashed worker resends at most the one e-mail in flight; N trades up to N resends after a
    crash for N times fewer database round trips (see docs/performance.md)."""
    return max(_int("COMMS_MARK_EVERY", 1), 1)


def max_attempts() -> int:
    # With the back-off below, 8 tries span about 35 minutes: a mail server away for half an hour
    # loses nothing.
    return _int("COMMS_MAX_ATTEMPTS", 8)


def retry_base() -> float:
    """Seconds before the first retry; doubled after each failed attempt, capped at 10 minutes."""
    return _float("COMMS_RETRY_BASE_SECONDS", 30.0)


def claim_timeout() -> timedelta:
    """A claim older than this belongs to a dead worker (longer than the task's hard time limit)."""
    return timedelta(seconds=_float("COMMS_CLAIM_TIMEOUT_SECONDS", 600.0))


def sweep_grace() -> timedelta:
    """A queued delivery untouched for this long is re-enqueued by the recovery sweep."""
    return timedelta(seconds=_float("COMMS_SWEEP_GRACE_SECONDS", 120.0))


def webhook_allowed_hosts() -> frozenset[str]:
    """Host names (comma-separated) a webhook may reach even over http or on an inside address:
    an organisation's own chat server. Empty by default (comms.webhooks)."""
    names = os.environ.get("COMMS_WEBHOOK_ALLOWED_HOSTS", "")
    return frozenset(name.strip().lower() for name in names.split(",") if name.strip())


def webhook_timeout() -> float:
    return _float("COMMS_WEBHOOK_TIMEOUT_SECONDS", 10.0)


def backoff(attempts: int) -> float:
    return min(retry_base() * (2 ** max(attempts - 1, 0)), 600.0)
