"""People pages: the home page per role, the directory, an employee's page, the language switch."""

import hashlib
import json
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from rest_framework.throttling import SimpleRateThrottle

from .access import access_employee, capability_required, employees_visible_to, has_capability, roles_of
from .audience import ALL_KINDS, manages_someone
from .audit import actor_names, audit_entries, audit_record
from .exports import csv_response
from .forms import EMPLOYEE_CHOICE_LIMIT, AudienceField, AuditFilterForm, DirectoryFilterForm, EmployeeForm, ErasureForm
from .models import AuditAction, EducationLevel, Employee, Locale
from .privacy import person_erase, personal_data_export
from .registry import PROFILE_BADGES, registry
from .reporting import team_sizes_of
from .selectors import department_tree_shown, employee_directory, job_groups_with_headcounts
from .services import employee_set_locale, employee_update


@capability_required("home.view")
def home(request):
    roles = roles_of(request.user)
    context = {"roles": roles}
    if roles.is_manager:
        context["team_sizes"] = team_sizes_of(request, roles.employee.pk)  # one count, not the team loaded
    role_flags = {"employee": roles.is_employee, "manager": roles.is_manager, "ld": roles.is_ld_staff}
    context["panels"] = [
        (panel, panel.context(request, roles)) for panel in registry.panels if role_flags.get(panel.role)
    ]
    if roles.is_ld_staff:
        context["department_tree"], context["more_departments"] = department_tree_shown()
        context["job_groups"] = job_groups_with_headcounts()
        context["active_count"] = Employee.objects.filter(active=True).count()
    return render(request, "people/home.html", context)


AUDIT_PAGE_SIZE = 50


@capability_required("audit.view")
def audit_log(request):
    """The audit trail for L&D staff and administrators: filters, 50 a page, a streamed CSV export
    (itself recorded). Three queries a page: the count, the entries with their accounts and
    subjects, the acting people's names."""
    form = AuditFilterForm(request.GET or None)
    entries = audit_entries(**form.filters())
    if request.GET.get("export") == "csv":
        audit_record(action=AuditAction.AUDIT_EXPORTED, object_type="people.auditentry", changes=form.filters())
        return _audit_csv(entries)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = actor_names(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "people/partials/audit_results.html" if request.htmx else "people/audit_log.html"
    return render(request, template, context)


def _audit_csv(entries):
    header = [_("When"), _("Who"), _("What"), _("Object"), _("About"), _("Change"), _("Reason")]
    labels = {value: str(label) for value, label in AuditAction.choices}

    def rows():
        # 500 entries at a time, each batch with its names in two queries, while the response streams
        batch = []
        for entry in entries.iterator(chunk_size=500):
            batch.append(entry)
            if len(batch) == 500:
                yield from _audit_rows(batch, labels)
                batch = []
        yield from _audit_rows(batch, labels)

    return csv_response("audit-log.csv", header, rows())


def _audit_rows(batch, labels):
    for entry in actor_names(batch):
        yield [
            timezone.localtime(entry.at).isoformat(timespec="seconds"),
            entry.actor_name,
            labels.get(entry.action, entry.action),
            f"{entry.object_type}:{entry.object_id}".rstrip(":"),
            entry.subject.full_name if entry.subject is not None else "",
            entry.change_text,
            entry.reason,
        ]


@capability_required("people.directory")
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    employees = employee_directory(**form.filters())
    if request.GET.get("export") == "csv":
        return _directory_csv(employees)
    page = Paginator(employees, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "people/partials/directory_results.html" if request.htmx else "people/directory.html"
    return render(request, template, context)


def _directory_csv(employees):
    header = [
        _("HRIS key"),
        _("First name"),
        _("Last name"),
        _("E-mail address"),
        _("Department"),
        _("Job group"),
        _("Manager"),
        _("Education level"),
        _("FTE"),
        _("Hired on"),
        _("Active"),
    ]
    # Plain values, the names joined in the same query, labels translated once: a row costs no
    # object and no lookup, and rows are read 2,000 at a time while the response streams.
    levels = {value: str(label) for value, label in EducationLevel.choices}
    yes, no = _("yes"), _("no")
    values = employees.values_list(
        "external_id",
        "first_name",
        "last_name",
        "email",
        "department__name",
        "job_group__name",
        "manager__first_name",
        "manager__last_name",
        "education_level",
        "fte",
        "hired_on",
        "active",
    )
    rows = (
        [
            key or "",
            first,
            last,
            email,
            department or "",
            job_group or "",
            f"{manager_first} {manager_last}".strip() if manager_first is not None else "",
            levels.get(level, level),
            fte,
            hired_on or "",
            yes if active else no,
        ]
        for (
            key,
            first,
            last,
            email,
            department,
            job_group,
            manager_first,
            manager_last,
            level,
            fte,
            hired_on,
            active,
        ) in values.iterator(chunk_size=2000)
    )
    return csv_response("employees.csv", header, rows)


def employee_detail(request, pk):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    employee = access_employee(request.user, pk)
    reports = employee.reports.filter(active=True).select_related("job_group").order_by("last_name", "first_name")
    badges = registry.find(PROFILE_BADGES)  # engagement's recognition, when it is installed
    return render(
        request,
        "people/employee_detail.html",
        {
            "employee": employee,
            "reports": reports,
            "can_edit": has_capability(request.user, "people.manage"),
            "is_me": employee.user_id == request.user.pk,
            "can_manage_data": has_capability(request.user, "privacy.manage") and employee.user_id != request.user.pk,
            "badges": badges(employee) if badges else [],
        },
    )


# --- each person's data ------------------------------------------------------------------------


def _personal_data_response(request, employee, *, on_behalf: bool):
    if request.GET.get("format") == "json":
        parts = personal_data_export(employee=employee, by=request.user, fmt="json")
        body = json.dumps(
            {"employee": employee.pk, "generated_at": timezone.now().isoformat(), "parts": parts},
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
            indent=1,
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="personal-data-{employee.pk}.json"'
        return response
    parts = personal_data_export(employee=employee, by=request.user, fmt="page")
    for part in parts:
        part["columns"] = list(dict.fromkeys(column for row in part["rows"] for column in row))
        part["table"] = [[_cell(row.get(column, "")) for column in part["columns"]] for row in part["rows"]]
    context = {"employee": employee, "parts": parts, "on_behalf": on_behalf}
    return render(request, "people/personal_data.html", context)


def _cell(value):
    """A personal-data value as the reader's language writes it."""
    from datetime import date, datetime
    from decimal import Decimal

    from .formatting import day, moment, money, number
    from .privacy import Money

    if isinstance(value, list):
        return ", ".join(str(_cell(v)) for v in value)
    if isinstance(value, Money):
        return money(value)
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return day(value)
    if isinstance(value, Decimal):
        return number(value, 2)
    return value


@capability_required("profile.view_own")
def my_data(request):
    """Everything the platform holds about the signed-in person, as a page or as JSON."""
    return _personal_data_response(request, roles_of(request.user).employee, on_behalf=False)


@capability_required("privacy.manage")
def employee_data(request, pk):
    """The same for someone else, for L&D staff answering a request on their behalf."""
    employee = Employee.objects.filter(pk=pk).first()
    if employee is None:
        raise Http404
    return _personal_data_response(request, employee, on_behalf=True)


@capability_required("privacy.manage")
def employee_erase(request, pk):
    """Erase a person's personal data on request: a confirmation with a reason, then done."""
    employee = Employee.objects.filter(pk=pk, erased_at=None).exclude(user=request.user).first()
    if employee is None:
        raise Http404
    form = ErasureForm(request.POST or None, employee=employee)
    if request.method == "POST" and form.is_valid():
        person_erase(employee=employee, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The personal data of employee #%(pk)s is erased.") % {"pk": employee.pk})
        return redirect("people:directory")
    return render(request, "people/employee_erase.html", {"employee": employee, "form": form})


def privacy(request):
    """What is kept, why, for how long and who sees it; for everyone, signed in or not."""
    from django.conf import settings as conf

    context = {
        "erase_after_days": conf.PRIVACY_ERASE_AFTER_DAYS,
        "api_audit_days": conf.HRIS_AUDIT_RETENTION_DAYS,
    }
    return render(request, "people/privacy.html", context)


@capability_required("people.manage")
def employee_edit(request, pk):
    employee = access_employee(request.user, pk)
    form = EmployeeForm(request.POST or None, instance=Employee.objects.get(pk=employee.pk))
    if request.method == "POST" and form.is_valid():
        employee_update(employee=employee, **{name: form.cleaned_data[name] for name in form.Meta.fields})
        messages.success(request, _("%(name)s has been saved.") % {"name": employee.full_name})
        return redirect("people:employee_detail", pk=employee.pk)
    return render(request, "people/employee_edit.html", {"employee": employee, "form": form})


_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,80}$")


def employee_search(request):
    """The people an EmployeeChoiceWidget offers for what was typed: at most 20, among those the
    person may see (L&D staff everyone active, a manager self and team, anyone else self), so the
    search reveals nobody the directory would not. Answers the widget's fieldset (htmx)."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    return employee_options(request, among=employees_visible_to(request.user).filter(active=True))


def employee_options(request, *, among, contact: bool = True):
    """The EmployeeChoiceWidget's fieldset for what was typed: the chosen one (when it is among
    `among`) and at most 20 matches within `among`, in a constant number of queries. The view that
    calls it decides who may ask and narrows `among` to whom they may see or choose; `contact`
    False leaves out the e-mail address for people the asker does not otherwise see."""
    name, widget_id = request.GET.get("name", ""), request.GET.get("id", "")
    if not _FIELD_NAME.match(name) or not _FIELD_NAME.match(widget_id):
        return HttpResponseBadRequest()
    q = request.GET.get(f"{name}_search", "").strip()[:100]  # what the widget's search box sends
    current = request.GET.get(name, "")
    current = among.filter(pk=current).select_related("department").first() if current.isdigit() else None
    found = []
    if q:
        matches = employee_directory(q=q).filter(pk__in=among.values("pk"))
        if current is not None:
            matches = matches.exclude(pk=current.pk)
        found = list(matches[: EMPLOYEE_CHOICE_LIMIT + 1])
    choice = {
        "id": widget_id,
        "name": name,
        "current": current,
        "found": found[:EMPLOYEE_CHOICE_LIMIT],
        "more": len(found) > EMPLOYEE_CHOICE_LIMIT,
        "limit": EMPLOYEE_CHOICE_LIMIT,
        "searched": bool(q),
        "allow_empty": request.GET.get("empty") == "1",
        "contact": contact,
    }
    return render(request, "people/partials/employee_options.html", {"choice": choice})


@require_POST
def language_switch(request):
    """Django's set_language, and for a signed-in employee the choice is remembered on their profile."""
    response = set_language(request)
    language = request.POST.get("language")
    employee = roles_of(request.user).employee
    if employee is not None and language in Locale.values and employee.locale != language:
        employee_set_locale(employee=employee, locale=language)
    return response


@capability_required("home.view")
def profile(request):
    """The signed-in person's own page."""
    employee = roles_of(request.user).employee
    if employee is None:
        return redirect("home")
    return redirect("people:employee_detail", pk=employee.pk)


FIELD_NAME = re.compile(r"^[A-Za-z_][\w-]{0,99}$")


@capability_required("people.audience")
def manager_search(request):
    """The audience widget's manager (a manager's whole team): at most 20 active managers for what
    was typed. Whoever builds audiences chose from every manager's name before; they find them here,
    by name only."""
    return employee_options(request, among=Employee.objects.filter(manages_someone(), active=True), contact=False)


@capability_required("people.audience")
def audience_field(request):
    """The audience widget again, for htmx: the parts the chosen kind needs and how many people
    it reaches now (a constant number of queries)."""
    name = request.GET.get("name", "audience")
    element_id = request.GET.get("id") or f"id_{name}"
    if not FIELD_NAME.match(name) or not FIELD_NAME.match(element_id):
        return HttpResponseBadRequest(_("Unknown field."))
    kinds = [kind for kind in request.GET.get("kinds", "").split(",") if kind in ALL_KINDS] or ALL_KINDS
    field = AudienceField(kinds=kinds, optional=request.GET.get("optional") == "1")
    value = field.widget.value_from_datadict(request.GET, {}, name)
    return HttpResponse(field.widget.render(name, value, attrs={"id": element_id}))


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE): why, and for how long, in the reader's language."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


class _ResetThrottle(SimpleRateThrottle):
    """DRF's rate arithmetic (a sliding window in the cache), keyed by address or e-mail address."""

    def __init__(self, scope: str, ident: str):
        self.scope, self.ident = scope, ident
        self.rate = settings.PASSWORD_RESET_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request, view):
        digest = hashlib.sha256(self.ident.encode()).hexdigest()  # no e-mail address as a cache key
        return f"throttle_password_reset_{self.scope}_{digest}"


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, with requests throttled per address and per e-mail address
    (PASSWORD_RESET_RATE): a flood neither fills someone's inbox nor probes the mail server."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        address = self.request.META.get("REMOTE_ADDR", "")
        throttles = [_ResetThrottle("address", address), _ResetThrottle("email", email)]
        allowed = [throttle.allow_request(self.request, self) for throttle in throttles]  # count both
        if not all(allowed):
            form.add_error(None, _("Too many reset requests. Please try again later."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class LoginView(auth_views.LoginView):
    """Django's login page, with the organisation's sign-in button when single sign-on is set up,
    and without the password form when local passwords are switched off."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from django.conf import settings as conf

        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = conf.OIDC_ENABLED
        context["local_passwords"] = conf.LOCAL_PASSWORDS
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context
