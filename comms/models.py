"""Messages, the 5W communication plan, and one Delivery row per recipient × message × channel."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.audience import AudienceModel, audience_check, audience_kind_field
from people.models import Employee

# The fixed, documented set of placeholders a message may use (docs/comms.md).
PLACEHOLDERS = ("first_name", "budget_available", "next_learning_moment", "catalog_link")
PLACEHOLDER_RE = re.compile(r"{{\s*([^{}]*?)\s*}}")


# A published story quoted in a message: `{{ story:12 }}` (engagement's stories, read through
# people's PUBLISHED_STORIES port when the message is read, so a story taken back quotes nothing).
STORY_PLACEHOLDER_RE = re.compile(r"^story:(\d+)$")


def is_placeholder(name: str) -> bool:
    return name in PLACEHOLDERS or bool(STORY_PLACEHOLDER_RE.match(name))


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER_RE.findall(text or "") if not is_placeholder(name)})


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    IN_APP = "in_app", _("In-app notification")
    WEBHOOK = "webhook", _("Chat webhook (Teams or Slack)")


PERSONAL_CHANNELS = (Channel.EMAIL, Channel.IN_APP)
DEFAULT_CHANNELS = [Channel.IN_APP.value, Channel.EMAIL.value]


class Category(models.TextChoices):
    SYSTEM = "system", _("System messages")
    PLAN = "plan", _("News about learning")
    REMINDERS = "reminders", _("Reminders")
    BUDGETS = "budgets", _("Budget notices")
    SURVEYS = "surveys", _("Surveys")
    GOALS = "goals", _("Goals")


class When(models.TextChoices):
    AT = "at", _("On a date and time")
    RECURRING = "recurring", _("Recurring")
    TRIGGER = "trigger", _("When something happens")


class Recurrence(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")


class Trigger(models.TextChoices):
    ITEM_ADDED = "catalog.item_added", _("A learning item is added in a skill of the recipient's job group")
    BUDGET_EXPIRING = "budgets.expiring", _("A budget is about to expire")
    SURVEY_OPENED = "surveys.opened", _("A survey is opened")
    GOAL_APPROVED = "goals.approved", _("A goal is approved")


class CommunicationPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    webhook_url = models.URLField(
        _("chat webhook URL"),
        blank=True,
        help_text=_("A Teams or Slack incoming-webhook URL, used by messages sent to the chat channel."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("communication plan")
        verbose_name_plural = _("communication plans")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Message(AudienceModel):
    """What is sent. A plan message answers the five W's; a system message (key set) is sent by code.
    Its audience may be left unchosen while the plan is a draft ("who" is then missing)."""

    audience_optional = True

    plan = models.ForeignKey(
        CommunicationPlan,
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("occurrence of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="occurrences",
        help_text=_("Set on each sending of a recurring or triggered plan message."),
    )
    key = models.CharField(_("key"), max_length=200, unique=True, null=True, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.PLAN)
    mandatory = models.BooleanField(
        _("mandatory"), default=False, help_text=_("Sent on every channel, whatever the recipient's preferences.")
    )
    # Who: the audience (AudienceModel), chosen or not yet
    audience_kind = audience_kind_field(blank=True)
    # What
    subject = models.CharField(_("what: subject"), max_length=200, blank=True)
    body = models.TextField(_("what: text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    # Where
    channels = models.JSONField(_("where: channels"), default=list, blank=True)
    # Why
    reason = models.TextField(_("why: reason"), blank=True)
    # When
    when = models.CharField(_("when"), max_length=10, choices=When.choices, blank=True)
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    recurrence = models.CharField(_("recurrence"), max_length=10, choices=Recurrence.choices, blank=True)
    trigger = models.CharField(_("trigger"), max_length=40, choices=Trigger.choices, blank=True)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["send_at", "id"]
        constraints = [audience_check(optional=True)]

    def __str__(self):
        return self.subject or self.key or f"#{self.pk}"

    @property
    def example_subject(self) -> str:
        """The subject as an example recipient reads it: placeholders filled ("colleague"), never
        `{{ first_name }}` on a page that lists messages."""
        from .rendering import placeholder_values, render, used_placeholders

        return render(self.subject, placeholder_values(None, used_placeholders(self.subject)))

    def clean(self):
        super().clean()
        errors = {}
        for field in ("subject", "body", "link"):
            unknown = unknown_placeholders(getattr(self, field))
            if unknown:
                errors[field] = _("Unknown placeholder(s): %(unknown)s. Allowed: %(allowed)s.") % {
                    "unknown": ", ".join("{{ %s }}" % u for u in unknown),  # noqa: UP031
                    "allowed": ", ".join("{{ %s }}" % p for p in PLACEHOLDERS),  # noqa: UP031
                }
        bad = [c for c in self.channels or [] if c not in Channel.values]
        if bad:
            errors["channels"] = _("Unknown channel(s): %(bad)s.") % {"bad": ", ".join(map(str, bad))}
        if errors:
            raise ValidationError(errors)

    def channel_labels(self) -> str:
        return ", ".join(str(Channel(c).label) for c in self.channels or [] if c in Channel.values)

    def send_times(self, start, end) -> list:
        """Send times of a dated or recurring message in [start, end)."""
        from dateutil.relativedelta import relativedelta

        if not self.send_at or self.when not in (When.AT, When.RECURRING):
            return []
        if self.when == When.AT:
            return [self.send_at] if start <= self.send_at < end else []
        step = {
            Recurrence.WEEKLY: relativedelta(weeks=1),
            Recurrence.MONTHLY: relativedelta(months=1),
            Recurrence.QUARTERLY: relativedelta(months=3),
        }.get(self.recurrence)
        if step is None:
            return []
        found, n, current = [], 0, self.send_at
        while current < end and n < 2000:
            if current >= start:
                found.append(current)
            n += 1
            current = self.send_at + step * n
        return found

    def missing_ws(self) -> list[str]:
        """The W's this message does not answer yet (empty when complete)."""
        missing = []
        if not self.audience.is_set:
            missing.append("who")
        if not self.subject.strip() or not self.body.strip():
            missing.append("what")
        if not self.channels:
            missing.append("where")
        if not self.reason.strip():
            missing.append("why")
        if (
            not self.when
            or (self.when == When.AT and not self.send_at)
            or (self.when == When.RECURRING and not (self.recurrence and self.send_at))
            or (self.when == When.TRIGGER and not self.trigger)
        ):
            missing.append("when")
        return missing


class Delivery(models.Model):
    """One message to one person on one channel (or, for a chat webhook, to the plan's channel).

    The unique constraints are what make retries, duplicate tasks and a second beat harmless.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    message = models.ForeignKey(Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="deliveries")
    employee = models.ForeignKey(
        Employee,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    error = models.TextField(_("reason of failure"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("clicked at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["message", "employee", "channel"], name="delivery_once_per_person"),
            models.UniqueConstraint(
                fields=["message", "channel"],
                condition=models.Q(employee__isnull=True),
                name="delivery_once_per_webhook",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "channel", "created_at"], name="delivery_queue"),
            models.Index(
                fields=["employee", "created_at"],
                condition=models.Q(channel="in_app"),
                name="delivery_inbox",
            ),
        ]

    def __str__(self):
        return f"{self.message_id} → {self.employee_id or 'webhook'} ({self.channel})"


class OptOut(models.Model):
    """An employee's choice not to receive a category (or, with category blank, anything) on a channel."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="comms_opt_outs"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [
            models.UniqueConstraint(fields=["employee", "channel", "category"], name="optout_once"),
        ]

    def __str__(self):
        return f"{self.employee_id} {self.channel} {self.category or '*'}"
