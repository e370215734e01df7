"""Who may do what, decided in one place.

Views and API viewsets *declare* the capability they need (`capability = "people.directory"`);
this module resolves it for the signed-in person. Relations (own data, own team) are decided by
the `access_*` helpers and the `*_visible_to` selectors, so no page or endpoint forgets a check.
Later apps register their capabilities with `@rule("<app>.<what>")`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from rest_framework.permissions import BasePermission

from .models import Employee
from .reporting import in_team_of, team_member_ids

LD_STAFF_GROUP = "L&D staff"


@dataclass(frozen=True)
class Roles:
    authenticated: bool
    employee: Employee | None
    is_ld_staff: bool
    is_manager: bool
    # API clients carry scopes (`hris:write`, `reporting:read`, ...); people carry none.
    scopes: frozenset = frozenset()
    is_api_client: bool = False

    @property
    def is_employee(self) -> bool:
        return self.employee is not None


ANONYMOUS = Roles(authenticated=False, employee=None, is_ld_staff=False, is_manager=False)


def roles_of(user) -> Roles:
    """The roles of a user, computed once per request (two queries) and kept on the user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    api_scopes = getattr(user, "api_scopes", None)
    if api_scopes is not None:  # an API client's principal (see the HRIS app's authentication)
        return Roles(
            authenticated=True,
            employee=None,
            is_ld_staff=False,
            is_manager=False,
            scopes=frozenset(api_scopes),
            is_api_client=True,
        )
    cached = getattr(user, "_leerborg_roles", None)
    if cached is not None:
        return cached
    employee = (
        Employee.objects.select_related("department", "job_group", "manager")
        .annotate(has_reports=Exists(Employee.objects.filter(manager=OuterRef("pk"), active=True)))
        .filter(user=user, active=True)
        .first()
    )
    roles = Roles(
        authenticated=True,
        employee=employee,
        is_ld_staff=user.is_superuser or user.groups.filter(name=LD_STAFF_GROUP).exists(),
        is_manager=bool(employee and employee.has_reports),
    )
    user._leerborg_roles = roles
    return roles


_RULES: dict[str, Callable[[Roles], bool]] = {}


def rule(capability: str):
    """Register who holds a capability. One function per capability, over the person's roles."""

    def register(func: Callable[[Roles], bool]):
        if capability in _RULES:
            raise ValueError(f"capability {capability!r} registered twice")
        _RULES[capability] = func
        return func

    return register


def has_capability(user, capability: str) -> bool:
    try:
        check = _RULES[capability]
    except KeyError:
        raise ValueError(f"unknown capability {capability!r}") from None
    return check(roles_of(user))


def capabilities_of(user) -> set[str]:
    roles = roles_of(user)
    return {name for name, check in _RULES.items() if check(roles)}


@rule("home.view")
def _home_view(roles: Roles) -> bool:
    return roles.authenticated and not roles.is_api_client


@rule("people.directory")
def _people_directory(roles: Roles) -> bool:
    return roles.is_ld_staff


@rule("people.manage")
def _people_manage(roles: Roles) -> bool:
    return roles.is_ld_staff


@rule("admin.access")
def _admin_access(roles: Roles) -> bool:
    return roles.is_ld_staff


@rule("people.audience")
def _people_audience(roles: Roles) -> bool:
    # Whoever builds audiences in forms sees how many people one reaches: L&D staff, and managers,
    # who propose goals for their own team (goals.propose).
    return roles.is_ld_staff or (roles.is_employee and roles.is_manager)


@rule("team.view")
def _team_view(roles: Roles) -> bool:
    return roles.is_manager or roles.is_ld_staff


@rule("profile.view_own")
def _profile_view_own(roles: Roles) -> bool:
    return roles.is_employee


# --- relations -------------------------------------------------------------------------------


def employees_visible_to(user):
    """The employees a person may see: L&D staff all, a manager self and team, anyone else self."""
    roles = roles_of(user)
    if roles.is_ld_staff:
        return Employee.objects.all()
    if roles.employee is None:
        return Employee.objects.none()
    me = Q(pk=roles.employee.pk)
    if roles.is_manager:
        me |= Q(pk__in=team_member_ids(roles.employee.pk))
    return Employee.objects.filter(me)


def can_view_employee(user, employee: Employee) -> bool:
    roles = roles_of(user)
    if roles.is_ld_staff:
        return True
    me = roles.employee
    if me is None:
        return False
    if employee.pk == me.pk:
        return True
    # A manager sees direct and indirect reports: one look at the reporting lines.
    return employee.manager_id is not None and in_team_of(me.pk, employee.pk)


def access_employee(user, pk) -> Employee:
    """Fetch an employee the user may see, or 404 (we do not reveal who exists)."""
    employee = Employee.objects.select_related("department", "job_group", "manager", "user").filter(pk=pk).first()
    if employee is None or not can_view_employee(user, employee):
        raise Http404
    return employee


# --- enforcement for pages, the API and the admin --------------------------------------------


class CapabilityRequiredMixin(LoginRequiredMixin):
    """Class-based pages declare `capability`; anonymous people go to login, others get 403."""

    capability: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.capability or not has_capability(request.user, self.capability):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def capability_required(capability: str):
    """The same for function views."""
    from django.contrib.auth.views import redirect_to_login

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_capability(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.capability = capability
        return wrapped

    return decorator


class HasCapability(BasePermission):
    """DRF: a viewset declares `capability` (or `capabilities` per action); none declared, no entry."""

    def has_permission(self, request, view):
        capability = getattr(view, "capabilities", {}).get(getattr(view, "action", None)) or getattr(
            view, "capability", ""
        )
        return bool(capability) and has_capability(request.user, capability)


# The one list of apps whose admin only administrators (superusers) see and whose permissions L&D
# staff do not hold. Accounts, groups and permissions grant rights (and axes' records lift sign-in
# locks): running learning and granting system rights are different jobs, and every grant is
# recorded (people.services.user_rights_set). The scheduler's periodic tasks are technical,
# English-only and easy to break.
ADMINISTRATORS_ONLY = frozenset({"auth", "axes", "django_celery_beat"})


class CapabilityBackend(ModelBackend):
    """L&D staff hold every model permission in the admin but those of ADMINISTRATORS_ONLY;
    everyone else none beyond Django's. Passwords are refused when LOCAL_PASSWORDS is off."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from django.conf import settings

        if not settings.LOCAL_PASSWORDS:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def has_perm(self, user_obj, perm, obj=None):
        if perm.split(".", 1)[0] not in ADMINISTRATORS_ONLY and _admin(user_obj):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if app_label not in ADMINISTRATORS_ONLY and _admin(user_obj):
            return True
        return super().has_module_perms(user_obj, app_label)


def _admin(user_obj) -> bool:
    return user_obj.is_active and has_capability(user_obj, "admin.access")


@rule("audit.view")
def _audit_view(roles: Roles) -> bool:
    # L&D staff and administrators (superusers count as L&D staff); nobody else, no API client.
    return roles.is_ld_staff


@rule("privacy.manage")
def _privacy_manage(roles: Roles) -> bool:
    # Answering access and erasure requests on someone's behalf.
    return roles.is_ld_staff
