"""What operations needs in the database: the outbox of work that committed actions must cause,
and the heartbeats of the background processes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxTask(models.Model):
    """A Celery task an action must cause, written in the action's own transaction.

    Relayed to the broker right after the commit, and again by the sweep while `sent_at` is empty
    (the broker was away, or the process died in between). The tasks are idempotent, so a relay
    that runs twice does nothing twice."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A relayer holds the row until this moment; another may take it over afterwards.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("outbox task")
        verbose_name_plural = _("outbox tasks")
        indexes = [
            models.Index(fields=["created_at"], name="ops_outbox_pending", condition=models.Q(sent_at__isnull=True))
        ]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"


class Heartbeat(models.Model):
    """When a background process (the worker, beat) last showed it is alive."""

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
