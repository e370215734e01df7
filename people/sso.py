"""Sign-in through the organisation's identity provider (OpenID Connect, mozilla-django-oidc).

A person is matched to their employee record by the provider's subject (`sub`, remembered at the
first sign-in), else by the HRIS key in the claim OIDC_EXTERNAL_ID_CLAIM, else by a verified e-mail
address; only an active, not erased employee gets in, and the first sign-in creates their account
(username `sso-<employee id>`, nothing personal). The library does the protocol: state, nonce, the
code exchange and the id token's signature (JWKS). docs/operations.md has the Entra ID and Okta set-up.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .models import Employee


def employee_for_claims(claims: dict) -> Employee | None:
    """The active employee these claims name, or None (unknown, left, erased, or ambiguous)."""
    subject = claims.get("sub")
    if not subject:
        return None
    candidates = Employee.objects.select_related("user")
    employee = candidates.filter(oidc_subject=subject).first()
    if employee is None:
        key_claim = getattr(settings, "OIDC_EXTERNAL_ID_CLAIM", "")
        key = claims.get(key_claim) if key_claim else None
        if key:
            employee = candidates.filter(external_id=str(key), oidc_subject=None).first()
    if employee is None:
        email = (claims.get("email") or "").strip()
        # Entra ID sends no email_verified; a provider that says "not verified" is not believed.
        if email and claims.get("email_verified", True) is not False:
            found = list(candidates.filter(email__iexact=email, oidc_subject=None)[:2])
            employee = found[0] if len(found) == 1 else None
    if employee is None or not employee.active or employee.erased_at is not None:
        return None
    return employee


class EmployeeOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, matching employees instead of accounts by e-mail."""

    def verify_claims(self, claims):
        return bool(claims.get("sub")) and employee_for_claims(claims) is not None

    def filter_users_by_claims(self, claims):
        employee = employee_for_claims(claims)
        users = get_user_model().objects
        if employee is None or employee.user_id is None:
            return users.none()
        return users.filter(pk=employee.user_id)

    @transaction.atomic
    def create_user(self, claims):
        employee = Employee.objects.select_for_update().get(pk=employee_for_claims(claims).pk)
        user = get_user_model().objects.create_user(username=f"sso-{employee.pk}", email="")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Employee.objects.filter(pk=employee.pk).update(user=user, oidc_subject=claims["sub"])
        return user

    def update_user(self, user, claims):
        employee = employee_for_claims(claims)
        if employee is not None and employee.oidc_subject is None:
            Employee.objects.filter(pk=employee.pk).update(oidc_subject=claims["sub"])
        if not user.is_active:  # switched off when they left; they are active again
            user.is_active = True
            user.save(update_fields=["is_active"])
        return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


def _enabled():
    if not getattr(settings, "OIDC_ENABLED", False):
        raise Http404


def oidc_start(request):
    """Off to the identity provider (404 while single sign-on is not configured)."""
    _enabled()
    return OIDCAuthenticationRequestView.as_view()(request)


def oidc_callback(request):
    """Back from the identity provider: the library checks state and nonce and signs the person in."""
    _enabled()
    return OIDCAuthenticationCallbackView.as_view()(request)
