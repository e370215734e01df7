"""Bearer tokens of API clients for DRF, a per-client throttle, and the audit-log middleware."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.throttling import SimpleRateThrottle

from people.audit import audit_record

from .models import ApiAuditEntry, ApiClient, hash_token


class ApiPrincipal:
    """Stands in for request.user when an API client calls; people.access reads `api_scopes`."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_superuser = False
    is_staff = False
    pk = None
    id = None

    def __init__(self, client: ApiClient):
        self.client = client
        self.api_scopes = frozenset(client.scopes)
        self.username = f"api:{client.name}"

    def __str__(self):
        return self.username

    def has_perm(self, perm, obj=None):
        return False


class BearerAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header: Bearer <token> expected."))
        try:
            token = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        # Looked up by its sha256 (indexed); the digest is compared again in constant time.
        client = ApiClient.objects.filter(token_hash=hash_token(token)).first()
        if client is None or not client.token_matches(token) or not client.is_usable:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        request._request.hris_client = client
        return ApiPrincipal(client), client

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ClientRateThrottle(SimpleRateThrottle):
    """Per API client; people signed in with a session are not throttled here."""

    scope = "hris_client"

    def get_rate(self):
        return settings.HRIS_API_THROTTLE_RATE

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        client = getattr(request.user, "client", None)
        if not isinstance(client, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}


def audit_summary(request, summary: str):
    """Let a view say in one line what a call did; the middleware writes it."""
    django_request = getattr(request, "_request", request)
    django_request.hris_audit_summary = summary[:500]


class ApiAuditMiddleware:
    """Writes one audit entry for every call an API client makes (after the response is known)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        client = getattr(request, "hris_client", None)
        if client is not None:
            ApiAuditEntry.objects.create(
                client=client,
                method=request.method[:10],
                path=request.path.replace("\x00", "\\x00")[:500],  # PostgreSQL text cannot hold NUL
                status=response.status_code,
                summary=getattr(request, "hris_audit_summary", ""),
            )
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                # Every write call (sync, SCIM, employee upserts) is summarised in the one audit log.
                audit_record(
                    action="api.write",
                    obj=client,
                    changes={
                        "method": request.method[:10],
                        # the route, not the path: a path may carry an HRIS key, which erasure must find nowhere
                        "endpoint": request.resolver_match.view_name if request.resolver_match else "",
                        "status": response.status_code,
                        "summary": getattr(request, "hris_audit_summary", ""),
                    },
                )
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        return response
