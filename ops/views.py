"""Readiness for the load balancer and the operators, and the answer while the database is away."""

import sys
import time

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error as django_server_error

from .heartbeats import heartbeat_ages
from .outbox import outbox_pending

RETRY_AFTER_SECONDS = 30


def _timed(probe) -> dict:
    start = time.monotonic()
    try:
        probe()
    except Exception as exc:  # any failure is the answer "not ready"
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.monotonic() - start) * 1000, 1)}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    probe = getattr(cache, "probe", None)
    if probe is not None:
        probe()
    else:
        cache.set("ops:ready", 1, 10)


def _broker():
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        conn.default_channel  # noqa: B018 - opening the channel is the round trip


def _background() -> dict:
    """Heartbeat ages and the outbox, from the database (empty when it is away)."""
    try:
        ages = heartbeat_ages()
        pending, oldest = outbox_pending()
    except DatabaseError:
        return {}
    limit = settings.OPS_HEARTBEAT_STALE_SECONDS
    beats = {name: {"age_s": round(ages[name], 1) if name in ages else None} for name in ("worker", "beat")}
    for beat in beats.values():
        beat["ok"] = beat["age_s"] is not None and beat["age_s"] <= limit
    return {
        "heartbeats": beats,
        "outbox": {"pending": pending, "oldest_age_s": round(oldest, 1) if oldest is not None else None},
    }


@never_cache
def ready(request):
    """200 while the site can serve people (the database answers), with what is degraded; 503 when not."""
    checks = {"database": _timed(_database), "cache": _timed(_cache), "broker": _timed(_broker)}
    body = {"checks": checks, **_background()}
    degraded = not all(c["ok"] for c in checks.values()) or not all(
        b["ok"] for b in body.get("heartbeats", {}).values()
    )
    ok = checks["database"]["ok"]
    body = {"status": ("degraded" if degraded else "ok") if ok else "unavailable", **body}
    response = JsonResponse(body, status=200 if ok else 503)
    if not ok:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def unavailable(request) -> HttpResponse:
    """503 with Retry-After: JSON for the API and SCIM, a page in the person's language otherwise.
    Renders without the request's context processors, which would ask the database."""
    if request.path.startswith(("/api/", "/scim/")):
        response = JsonResponse({"detail": _("The service is briefly unavailable. Try again in a minute.")}, status=503)
    else:
        response = HttpResponse(render_to_string("ops/unavailable.html", {"path": request.path}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    """handler500: a database that is away (or restarting) is a 503, not a stack trace or a 500."""
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        return unavailable(request)
    return django_server_error(request)
