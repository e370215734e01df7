"""API clients and their audit trail, idempotent sync replays, SCIM identities and CSV imports."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    HRIS_WRITE = "hris:write", _("Write people data (REST, bulk sync, SCIM)")
    REPORTING_READ = "reporting:read", _("Read reporting data")
    LMS_WRITE = "lms:write", _("Write learning data")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(models.Model):
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(_("token starts with"), max_length=12, editable=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @staticmethod
    def new_token() -> str:
        return "lb_" + secrets.token_urlsafe(32)

    def set_token(self, token: str):
        self.token_hash = hash_token(token)
        self.token_prefix = token[:10]

    def token_matches(self, token: str) -> bool:
        return hmac.compare_digest(self.token_hash, hash_token(token))

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def status(self) -> str:
        if self.revoked_at:
            return _("revoked")
        if self.expires_at and self.expires_at <= timezone.now():
            return _("expired")
        return _("active")


class ApiAuditEntry(models.Model):
    client = models.ForeignKey(ApiClient, verbose_name=_("API client"), on_delete=models.CASCADE, related_name="audit")
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    status = models.PositiveSmallIntegerField(_("status"))
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("API audit entry")
        verbose_name_plural = _("API audit entries")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.client} {self.method} {self.path} {self.status}"


class IdempotencyRecord(models.Model):
    """The first answer to a request with an Idempotency-Key, replayed for every retry."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="hris_idempotency_unique_key")]

    def __str__(self):
        return self.key


class ScimIdentity(models.Model):
    """What SCIM knows about an employee beyond the people tables: the userName, the identity
    provider's own externalId, and whether the provider deleted the user (we only deactivate)."""

    employee = models.OneToOneField("people.Employee", on_delete=models.CASCADE, related_name="scim_identity")
    user_name = models.CharField(max_length=254)
    external_id = models.CharField(max_length=200, blank=True)
    deleted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("user_name"), name="hris_scim_user_name_unique_ci")]

    def __str__(self):
        return self.user_name


class CsvMapping(models.Model):
    """The remembered column mapping of the CSV import (one per organisation)."""

    key = models.CharField(max_length=50, unique=True, default="default")
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.key


class CsvImport(models.Model):
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    filename = models.CharField(max_length=255)
    content = models.TextField()
    mode = models.CharField(max_length=10, default="partial")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename
