"""Catalog pages: "for you", search, an item and its request, my learning, approvals, the team
view, the learning profile, the diversity of the offer and the provider import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people.access import capability_required, roles_of
from people.registry import registry

from . import services
from .exceptions import ApprovalRefused
from .forms import CompleteForm, DecisionForm, ExternalRequestForm, ImportForm, ProfileForm, RequestForm, SearchForm
from .imports import items_import, parse_csv
from .models import OPEN_STATUSES, SEAT_STATUSES, LearningItem, LearningProfile, Status
from .selectors import (
    RANKING_TTL,
    access_enrolment,
    approvals_waiting_for,
    enrolments_visible_to,
    for_you,
    for_you_key,
    items_search,
    mandatory_due,
    offer_diversity,
    team_learning,
)


def _budget_left(employee):
    """What the budgets app says this person has left, or None (then the page shows nothing)."""
    provider = registry.get("budget_available")
    if provider is None or employee is None:
        return None
    return provider(employee)


def _employee_or_404(request):
    employee = roles_of(request.user).employee
    if employee is None:
        raise Http404
    return employee


@capability_required("catalog.browse")
def home(request):
    """The catalog's front page: for an employee, the items ranked for them with the reasons."""
    employee = roles_of(request.user).employee
    if employee is None:
        return redirect("catalog:browse")
    return render(
        request,
        "catalog/for_you.html",
        {"for_you_html": _for_you_html(request, employee), "budget_left": _budget_left(employee)},
    )


def _for_you_html(request, employee, limit=12) -> str:
    """The ranked cards, rendered once per ranking and language and then served from the cache:
    the ranking's key changes whenever the ranking may (see selectors.for_you_key)."""
    key = for_you_key(employee, limit)
    html_key = f"{key}:html:{get_language()}"
    html = cache.get(html_key)
    if html is None:
        recommendations = for_you(employee=employee, limit=limit, key=key)
        html = render_to_string(
            "catalog/partials/for_you_list.html", {"recommendations": recommendations}, request=request
        )
        cache.set(html_key, str(html), RANKING_TTL)
    return mark_safe(html)  # noqa: S308 - our own template's output, escaped when it was rendered


@capability_required("catalog.browse")
def browse(request):
    form = SearchForm(request.GET or None)
    page = Paginator(items_search(**form.filters()), 24).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "budget_left": _budget_left(roles_of(request.user).employee),
    }
    template = "catalog/partials/browse_results.html" if request.htmx else "catalog/browse.html"
    return render(request, template, context)


@capability_required("catalog.browse")
def item_detail(request, pk):
    item = get_object_or_404(LearningItem.objects.prefetch_related("skills"), pk=pk, active=True)
    employee = roles_of(request.user).employee
    sessions = item.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at")
    form = None
    mine = None
    if employee is not None:
        mine = item.enrolments.filter(employee=employee, status__in=OPEN_STATUSES).first()
        if mine is None:
            form = RequestForm(sessions=sessions)
    return render(
        request,
        "catalog/item_detail.html",
        {
            "item": item,
            "sessions": sessions.annotate(
                left=F("seats") - Count("enrolments", filter=Q(enrolments__status__in=SEAT_STATUSES))
            ),
            "form": form,
            "mine": mine,
            "budget_left": _budget_left(employee),
        },
    )


@capability_required("catalog.request")
def item_request(request, pk):
    item = get_object_or_404(LearningItem, pk=pk, active=True)
    employee = _employee_or_404(request)
    sessions = item.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at")
    form = RequestForm(request.POST or None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_request(
                employee=employee,
                item=item,
                session=form.cleaned_data.get("session"),
                motivation=form.cleaned_data["motivation"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if enrolment.status == Status.APPROVED:
                messages.success(
                    request, _("Approved at once: %(title)s is below the approval threshold.") % {"title": item.title}
                )
            else:
                messages.success(request, _("Your request has been sent for approval."))
            return redirect("catalog:enrolment_detail", pk=enrolment.pk)
    return render(
        request, "catalog/item_request.html", {"item": item, "form": form, "budget_left": _budget_left(employee)}
    )


def _add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@capability_required("catalog.request")
def external_request(request):
    employee = _employee_or_404(request)
    form = ExternalRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment = services.enrolment_request_external(
                employee=employee,
                title=data["title"],
                provider=data["provider"],
                url=data["url"],
                cost=data["cost"],
                hours=data["hours"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                motivation=data["motivation"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your request has been sent for approval."))
            return redirect("catalog:enrolment_detail", pk=enrolment.pk)
    return render(request, "catalog/external_request.html", {"form": form})


@capability_required("catalog.request")
def my_enrolments(request):
    employee = _employee_or_404(request)
    enrolments = enrolments_visible_to(request.user).filter(employee=employee)
    return render(
        request,
        "catalog/my_enrolments.html",
        {
            "open": [e for e in enrolments if e.status in OPEN_STATUSES],
            "closed": [e for e in enrolments if e.status not in OPEN_STATUSES],
            "dues": mandatory_due([employee]).get(employee.pk, []),
        },
    )


def enrolment_detail(request, pk):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    enrolment = access_enrolment(request.user, pk)
    return render(request, "catalog/enrolment_detail.html", _enrolment_context(request, enrolment))


def _enrolment_context(request, enrolment):
    me = roles_of(request.user).employee
    own = me is not None and me.pk == enrolment.employee_id
    return {
        "enrolment": enrolment,
        "own": own,
        "can_decide": enrolment.status in (Status.REQUESTED, Status.APPROVED)
        and services.can_decide(request.user, enrolment),
        "complete_form": CompleteForm() if own and enrolment.status in (Status.APPROVED, Status.STARTED) else None,
        "rate_form": CompleteForm()
        if own and enrolment.status == Status.COMPLETED and enrolment.rating is None
        else None,
        "decision_form": DecisionForm(),
    }


def _transition(request, pk, action):
    enrolment = access_enrolment(request.user, pk)
    try:
        action(enrolment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ApprovalRefused as exc:
        messages.error(request, exc.message)
    return enrolment


@require_POST
@login_required
def enrolment_cancel(request, pk):
    _transition(request, pk, lambda e: services.enrolment_cancel(enrolment=e, by=request.user))
    return redirect("catalog:enrolment_detail", pk=pk)


@require_POST
@login_required
def enrolment_start(request, pk):
    _transition(request, pk, lambda e: services.enrolment_start(enrolment=e, by=request.user))
    return redirect("catalog:enrolment_detail", pk=pk)


@require_POST
@login_required
def enrolment_complete(request, pk):
    form = CompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Rate it from 1 to 5 and say whether it helped in your work."))
        return redirect("catalog:enrolment_detail", pk=pk)

    def act(e):
        data = form.cleaned_data
        if e.status == Status.COMPLETED:
            return services.enrolment_rate(
                enrolment=e, by=request.user, rating=data["rating"], helped_in_work=data["helped_in_work"]
            )
        return services.enrolment_complete(
            enrolment=e, by=request.user, rating=data["rating"], helped_in_work=data["helped_in_work"]
        )

    _transition(request, pk, act)
    return redirect("catalog:enrolment_detail", pk=pk)


def _decide(request, pk, approve: bool):
    form = DecisionForm(request.POST)
    comment = form.data.get("comment", "")[:500]
    enrolment = access_enrolment(request.user, pk)
    error = None
    try:
        if approve:
            services.enrolment_approve(enrolment=enrolment, by=request.user, comment=comment)
        else:
            services.enrolment_reject(enrolment=enrolment, by=request.user, comment=comment)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    except ApprovalRefused as exc:
        error = exc.message
    except PermissionDenied as exc:
        if not request.htmx:
            raise
        # In place, say why instead of a silent 403 that htmx would not show.
        error = str(exc) or _("You cannot decide on this request.")
    if request.htmx:
        return render(
            request, "catalog/partials/decision_row.html", {"e": enrolment, "error": error, "decision_form": form}
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Your decision has been saved."))
    return redirect("catalog:approvals")


@require_POST
@capability_required("catalog.decide")
def enrolment_approve(request, pk):
    return _decide(request, pk, approve=True)


@require_POST
@capability_required("catalog.decide")
def enrolment_reject(request, pk):
    return _decide(request, pk, approve=False)


@capability_required("catalog.decide")
def approvals(request):
    waiting = list(approvals_waiting_for(request.user)[:200])
    return render(request, "catalog/approvals.html", {"waiting": waiting, "decision_form": DecisionForm()})


@capability_required("catalog.team")
def team(request):
    employee = _employee_or_404(request)
    members = team_learning(manager=employee)
    waiting = list(approvals_waiting_for(request.user).filter(employee__manager=employee, routed_to_ld=False)[:100])
    return render(
        request,
        "catalog/team.html",
        {
            "members": members,
            "waiting": waiting,
            "overdue": [d for m in members for d in m.overdue],
            "decision_form": DecisionForm(),
        },
    )


@capability_required("catalog.request")
def profile(request):
    employee = _employee_or_404(request)
    current = LearningProfile.objects.filter(employee=employee).prefetch_related("needs").first()
    initial = {
        "needs": list(current.needs.all()) if current else [],
        "preferred_formats": current.preferred_formats if current else [],
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.learning_profile_update(
                employee=employee,
                needs=form.cleaned_data["needs"],
                preferred_formats=form.cleaned_data["preferred_formats"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your learning profile has been saved."))
            return redirect("catalog:home")
    return render(request, "catalog/profile.html", {"form": form})


@capability_required("catalog.manage")
def diversity(request):
    return render(request, "catalog/diversity.html", {"d": offer_diversity()})


@capability_required("catalog.manage")
def import_items(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, result = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            errors = [{"path": "file", "code": "too_large", "message": _("The file is larger than 5 MB.")}]
        else:
            rows, errors = parse_csv(upload.read())
            if not errors:
                result = items_import(rows=rows, path_prefix=_("line") + " ", first_index=2)
                errors = result.errors
        if not errors:
            messages.success(
                request,
                _("Imported: %(created)d new, %(updated)d updated.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("catalog:import_items")
    return render(request, "catalog/import.html", {"form": form, "errors": errors}, status=400 if errors else 200)
