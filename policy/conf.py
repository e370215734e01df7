"""Tunables of the reminders, read from the environment (defaults suit production)."""

import os
from datetime import timedelta


def reminder_batch() -> int:
    """Recipients per call into the delivery service (each its own transaction): a crash redoes little."""
    return int(os.environ.get("POLICY_REMINDER_BATCH", 2000))


def reminder_stale() -> timedelta:
    """A claimed reminder not finished after this long is re-enqueued by the next beat tick."""
    return timedelta(seconds=float(os.environ.get("POLICY_REMINDER_STALE_SECONDS", 300)))


def batch_pause() -> float:
    """Seconds to wait between batches; 0 in production. Tests use it to kill a worker mid-batch."""
    return float(os.environ.get("POLICY_REMINDER_BATCH_PAUSE", 0))
