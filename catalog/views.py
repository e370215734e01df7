"""Catalog pages: "for you", search, an item and its request, my learning, approvals, the team
view, the learning profile, the diversity of the offer and the provider import."""

from decimal import Decimal

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
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from people.access import capability_required, roles_of
from people.audience import EVERYONE
from people.formatting import money
from people.forms import add_service_errors
from people.models import JobGroup
from people.paging import AheadPaginator, team_page
from people.registry import AMBASSADORS_FOR, BUDGET_AVAILABLE, PUBLISHED_STORIES, registry
from people.reporting import team_sizes_of

from . import services
from .exceptions import ApprovalRefused
from .forms import (
    CatalogSettingsForm,
    CompleteForm,
    DecisionForm,
    ExternalRequestForm,
    ImportForm,
    ItemForm,
    JobGroupSkillsForm,
    ManageSearchForm,
    MandatoryRuleForm,
    ProfileForm,
    RequestForm,
    SearchForm,
    SessionForm,
)
from .imports import items_import, parse_csv
from .models import (
    LEVELS,
    OPEN_STATUSES,
    SEAT_STATUSES,
    CatalogSettings,
    Format,
    JobGroupSkill,
    LearningItem,
    LearningProfile,
    MandatoryRule,
    Session,
    Status,
)
from .selectors import (
    RANKING_TTL,
    access_enrolment,
    approvals_waiting_for,
    asked_vs_offered,
    enrolments_of,
    for_you,
    for_you_key,
    item_providers,
    item_ratings,
    items_for_management,
    items_search,
    job_groups_with_skills,
    mandatory_due,
    mandatory_overdue_count,
    mandatory_rules_for_management,
    offer_diversity,
    over_budget_warning,
    session_with_bookings,
    sessions_for_management,
    team_learning,
    team_overdue_people_shown,
)


def _budget_left(employee):
    """What the budgets app says this person has left, or None (then the page shows nothing)."""
    if employee is None:
        return None
    return registry.use(BUDGET_AVAILABLE)(employee)


def _employee_or_404(request):
    employee = roles_of(request.user).employee
    if employee is None:
        raise Http404
    return employee


def _record_visit(request, employee) -> None:
    """Monitoring's catalog reach: the first catalog page of the day is recorded; the session spares
    the database every later one."""
    today = timezone.localdate().isoformat()
    if request.session.get("catalog_visited_on") != today:
        services.catalog_visit_record(employee=employee)
        request.session["catalog_visited_on"] = today


@capability_required("catalog.browse")
def home(request):
    """The catalog's front page: for an employee, the items ranked for them with the reasons."""
    employee = roles_of(request.user).employee
    if employee is None:
        return redirect("catalog:browse")
    _record_visit(request, employee)
    html, item_ids = _for_you_html(request, employee)
    ambassadors_for = registry.find(AMBASSADORS_FOR)  # engagement's, when installed: whom to ask
    context = {
        "for_you_html": html,
        "budget_left": _budget_left(employee),
        "stories": _stories(item_ids, limit=4),
        "ambassadors": ambassadors_for(employee) if ambassadors_for else [],
    }
    return render(request, "catalog/for_you.html", context)


def _stories(item_ids, limit=3) -> list:
    """Colleagues' published stories about these items (engagement's optional port; one query)."""
    published = registry.find(PUBLISHED_STORIES)
    return published(item_ids=list(item_ids), limit=limit) if published and item_ids else []


def _for_you_html(request, employee, limit=12) -> tuple[str, list[int]]:
    """The ranked cards, rendered once per ranking and language and then served from the cache:
    the ranking's key changes whenever the ranking may (see selectors.for_you_key). With them, the
    ranked items' ids (from the cached ranking: no query), for the stories beside the cards."""
    key = for_you_key(employee, limit)
    html_key = f"{key}:html:{get_language()}"
    html = cache.get(html_key)
    ranked = cache.get(key) if html is not None else None
    if html is None or ranked is None:
        recommendations = for_you(employee=employee, limit=limit, key=key)
        html = render_to_string(
            "catalog/partials/for_you_list.html", {"recommendations": recommendations}, request=request
        )
        cache.set(html_key, str(html), RANKING_TTL)
        item_ids = [r.item.pk for r in recommendations]
    else:
        item_ids = [row[0] for row in ranked]
    return mark_safe(html), item_ids  # noqa: S308 - our own template's output, escaped when it was rendered


@capability_required("catalog.browse")
def browse(request):
    form = SearchForm(request.GET or None)
    if roles_of(request.user).employee is not None:
        _record_visit(request, roles_of(request.user).employee)
    page = Paginator(items_search(**form.filters()), 24).get_page(request.GET.get("page"))
    ratings = item_ratings(item.pk for item in page)
    for item in page:
        item.evaluation = ratings.get(item.pk)
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
    item.evaluation = item_ratings([item.pk]).get(item.pk)
    employee = roles_of(request.user).employee
    sessions = item.sessions.filter(starts_at__gt=timezone.now(), cancelled_at__isnull=True).order_by("starts_at")
    form = None
    mine = None
    if employee is not None:
        mine = item.enrolments.filter(employee=employee, status__in=OPEN_STATUSES).first()
        if mine is None:
            via = "for_you" if request.GET.get("via") == "for_you" else ""
            form = RequestForm(sessions=sessions, initial={"via": via})
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
            "stories": _stories([item.pk], limit=5),
        },
    )


@capability_required("catalog.request")
def item_request(request, pk):
    item = get_object_or_404(LearningItem, pk=pk, active=True)
    employee = _employee_or_404(request)
    sessions = item.sessions.filter(starts_at__gt=timezone.now(), cancelled_at__isnull=True).order_by("starts_at")
    form = RequestForm(request.POST or None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_request(
                employee=employee,
                item=item,
                session=form.cleaned_data.get("session"),
                motivation=form.cleaned_data["motivation"],
                via_for_you=form.cleaned_data.get("via") == "for_you",
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
    budget_left = _budget_left(employee)
    context = {
        "item": item,
        "form": form,
        "budget_left": budget_left,
    }
    figures = over_budget_warning(employee=employee, cost=item.cost, available=budget_left)
    context["over_budget"] = _over_budget_text(figures, this=item.cost) if figures else None
    return render(request, "catalog/item_request.html", context)


_add_errors = add_service_errors


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
            # A warning, not a refusal: whoever decides may still approve it (or L&D make room).
            waiting = over_budget_warning(
                employee=employee, cost=Decimal("0.00"), available=_budget_left(employee)
            )  # this request is among the waiting ones now
            if waiting is not None:
                messages.warning(request, _over_budget_text(waiting, this=data["cost"]))
            return redirect("catalog:enrolment_detail", pk=enrolment.pk)
    return render(request, "catalog/external_request.html", {"form": form})


def _over_budget_text(figures: dict, *, this) -> str:
    total = figures["waiting"] + figures["cost"]
    return _(
        "Your requests waiting for a decision, this one (%(cost)s) included, come to %(total)s: more than the "
        "%(available)s you have available. You can send it anyway; whoever decides sees the same figures."
    ) % {"cost": money(this), "total": money(total), "available": money(figures["available"])}


@capability_required("catalog.request")
def my_enrolments(request):
    employee = _employee_or_404(request)
    enrolments = enrolments_of(employee)
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
        "helped_form": CompleteForm()
        if own and enrolment.status == Status.COMPLETED and enrolment.helped_in_work is None
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
        messages.error(request, _("Say whether it helped in your work."))
        return redirect("catalog:enrolment_detail", pk=pk)

    def act(e):
        data = form.cleaned_data
        if e.status == Status.COMPLETED:
            return services.enrolment_say_helped(enrolment=e, by=request.user, helped_in_work=data["helped_in_work"])
        return services.enrolment_complete(enrolment=e, by=request.user, helped_in_work=data["helped_in_work"])

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
        # The manager's home shows what the requester has left; the row it gets back does too.
        with_available = form.data.get("with_available") == "1"
        if with_available:
            enrolment.requester_available = registry.use(BUDGET_AVAILABLE)(enrolment.employee)
        context = {"e": enrolment, "error": error, "decision_form": form, "with_available": with_available}
        return render(request, "catalog/partials/decision_row.html", context)
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


# Requests on a page of approvals: each has a form to decide it, and a page of 25 is what one
# sitting gets through (at 50 the rows were half the page's time at 50,000 people).
APPROVALS_PAGE = 25
APPROVALS_AHEAD = 20


@capability_required("catalog.decide")
def approvals(request):
    # 25 at a time, oldest first, counted 20 pages ahead (the partial index on pending requests
    # serves both, however many decided enrolments there are; a backlog of thousands is not
    # counted whole on every visit: "Page 1 of 21 or more").
    waiting = approvals_waiting_for(request.user)
    page = AheadPaginator(waiting, APPROVALS_PAGE, ahead=APPROVALS_AHEAD).get_page(request.GET.get("page"))
    context = {"waiting": page.object_list, "page": page, "query": "", "decision_form": DecisionForm()}
    return render(request, "catalog/approvals.html", context)


# Up to this many people a team's overdue count looks each person's completions up on the index.
PER_PERSON_UP_TO = 500


@capability_required("catalog.team")
def team(request):
    """The team's learning a page at a time (with a search and an "overdue only" filter); the
    overdue count is the whole team's, in SQL."""
    employee = _employee_or_404(request)
    only_overdue = request.GET.get("overdue") == "1"
    size = sum(team_sizes_of(request, employee.pk).values())  # the paginator's count too: one query
    # a small team's people are each looked up; a large team hashes every completion once
    overdue = mandatory_overdue_count(per_person=size <= PER_PERSON_UP_TO)

    def overdue_only(people):
        return people.annotate(overdue_n=overdue).filter(overdue_n__gt=0)

    team = team_page(request, employee.pk, narrow=overdue_only if only_overdue else None)
    members = team_learning(manager=employee, members=team.members)
    overdue_people, kept_at = team_overdue_people_shown(  # a large team's as kept last night
        manager=employee, size=size, overdue=overdue, fresh=request.GET.get("fresh") == "1"
    )
    fresh_query = request.GET.copy()
    fresh_query.pop("page", None)
    fresh_query["fresh"] = "1"
    waiting = list(approvals_waiting_for(request.user).filter(employee__manager=employee, routed_to_ld=False)[:100])
    return render(
        request,
        "catalog/team.html",
        {
            "members": members,
            "waiting": waiting,
            "overdue": [d for m in members for d in m.overdue],
            "overdue_people": overdue_people,
            "kept_at": kept_at,
            "fresh_query": fresh_query.urlencode(),
            "only_overdue": only_overdue,
            "page": team.page,
            "q": team.q,
            "query": team.query,
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
def asked_offered(request):
    """What employees asked for in the learning-needs survey against the offer, beside its diversity."""
    return render(request, "catalog/asked_offered.html", {"a": asked_vs_offered()})


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


# --- managing the offer (L&D staff) ------------------------------------------------------------
# Forms collect the input; every write is a service call whose ValidationErrors become form errors.


def _item_kwargs(data) -> dict:
    return {name: data[name] for name in ItemForm.base_fields}


@capability_required("catalog.manage")
def manage_items(request):
    form = ManageSearchForm(request.GET or None, providers=item_providers())
    page = Paginator(items_for_management(**form.filters()), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "catalog/manage/partials/item_results.html" if request.htmx else "catalog/manage/item_list.html"
    return render(request, template, context)


def _item_prefill(request) -> dict:
    """Starting values from a gap in the diversity view (format, levels, skills)."""
    initial = {"active": True, "cost": 0}
    if request.GET.get("format") in dict(Format.choices):
        initial["format"] = request.GET["format"]
    levels = [lv for lv in request.GET.getlist("levels") if lv in LEVELS]
    if levels:
        initial["levels"] = levels
    if request.GET.get("skills"):
        initial["skills"] = request.GET["skills"][:2000]
    return initial


@capability_required("catalog.manage")
def manage_item_create(request):
    form = ItemForm(request.POST or None, initial=_item_prefill(request))
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(**_item_kwargs(form.cleaned_data))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(title)s has been added to the offer.") % {"title": item.title})
            target = "catalog:manage_sessions" if item.is_dated else "catalog:manage_item_edit"
            return redirect(target, pk=item.pk)
    return render(request, "catalog/manage/item_form.html", {"form": form, "item": None})


@capability_required("catalog.manage")
def manage_item_edit(request, pk):
    item = get_object_or_404(LearningItem.objects.prefetch_related("skills"), pk=pk)
    form = ItemForm(request.POST or None, initial=ItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(item=item, **_item_kwargs(form.cleaned_data))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(title)s has been saved.") % {"title": item.title})
            return redirect("catalog:manage_item_edit", pk=item.pk)
    return render(request, "catalog/manage/item_form.html", {"form": form, "item": item})


@require_POST
@capability_required("catalog.manage")
def manage_item_deactivate(request, pk):
    item = get_object_or_404(LearningItem, pk=pk)
    services.item_deactivate(item=item)
    messages.success(
        request, _("%(title)s is no longer offered. Open enrolments stay as they are.") % {"title": item.title}
    )
    return redirect("catalog:manage_item_edit", pk=item.pk)


@capability_required("catalog.manage")
def manage_sessions(request, pk):
    """An item's sessions in a table; add one below it (htmx appends the new row in place)."""
    item = get_object_or_404(LearningItem, pk=pk)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(item=item, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if request.htmx:
                # The new row goes at the end of the table (the form's hx-target).
                return render(
                    request, "catalog/manage/partials/session_row.html", {"s": session_with_bookings(session.pk)}
                )
            messages.success(request, _("The session has been added."))
            return redirect("catalog:manage_sessions", pk=item.pk)
    if request.htmx and request.method == "POST":
        # The errors belong in the form, not in the table.
        response = render(request, "catalog/manage/partials/session_add_form.html", {"item": item, "form": form})
        return reswap(retarget(response, "#session-add"), "outerHTML")
    return render(
        request,
        "catalog/manage/sessions.html",
        {"item": item, "sessions": sessions_for_management(item), "form": form},
        status=400 if form.errors else 200,
    )


@capability_required("catalog.manage")
def manage_session_edit(request, pk):
    """Edit a session in its row (htmx), or on a page of its own without JavaScript."""
    session = get_object_or_404(Session.objects.select_related("item"), pk=pk)
    initial = {
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "place": session.place,
        "seats": session.seats,
    }
    form = SessionForm(request.POST or None, initial=initial, prefix_id=session.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if request.htmx:
                return render(
                    request, "catalog/manage/partials/session_row.html", {"s": session_with_bookings(pk), "saved": True}
                )
            messages.success(request, _("The session has been saved."))
            return redirect("catalog:manage_sessions", pk=session.item_id)
    context = {"s": session_with_bookings(pk), "form": form, "item": session.item}
    if request.htmx:
        return render(request, "catalog/manage/partials/session_edit_row.html", context)
    return render(request, "catalog/manage/session_edit.html", context, status=400 if form.errors else 200)


@require_POST
@capability_required("catalog.manage")
def manage_session_cancel(request, pk):
    session = get_object_or_404(Session, pk=pk)
    error = None
    try:
        cancelled = services.session_cancel(session=session)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    else:
        note = ngettext(
            "The session has been cancelled; %(count)d booking was cancelled.",
            "The session has been cancelled; %(count)d bookings were cancelled.",
            cancelled,
        ) % {"count": cancelled}
    if request.htmx:
        return render(
            request,
            "catalog/manage/partials/session_row.html",
            {"s": session_with_bookings(pk), "error": error, "note": None if error else note},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, note)
    return redirect("catalog:manage_sessions", pk=session.item_id)


def _rule_form(request, initial=None):
    return MandatoryRuleForm(
        request.POST or None,
        initial=initial,
        items=LearningItem.objects.order_by("title", "pk"),
    )


@capability_required("catalog.manage")
def manage_rules(request):
    return render(request, "catalog/manage/rules.html", {"rules": mandatory_rules_for_management()})


@capability_required("catalog.manage")
def manage_rule_create(request):
    initial = {"starts_on": timezone.localdate(), "due_days": 30, "active": True, "audience": EVERYONE}
    if request.GET.get("item", "").isdigit():
        initial["item"] = int(request.GET["item"])
    form = _rule_form(request, initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.mandatory_rule_create(**form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The mandatory rule has been saved."))
            return redirect("catalog:manage_rules")
    return render(request, "catalog/manage/rule_form.html", {"form": form, "rule": None})


@capability_required("catalog.manage")
def manage_rule_edit(request, pk):
    rule = get_object_or_404(MandatoryRule.objects.select_related("item"), pk=pk)
    initial = {
        name: getattr(rule, name) for name in ("item", "audience", "starts_on", "due_days", "renewal_months", "active")
    }
    form = _rule_form(request, initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.mandatory_rule_update(rule=rule, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The mandatory rule has been saved."))
            return redirect("catalog:manage_rules")
    return render(request, "catalog/manage/rule_form.html", {"form": form, "rule": rule})


@require_POST
@capability_required("catalog.manage")
def manage_rule_delete(request, pk):
    rule = get_object_or_404(MandatoryRule, pk=pk)
    services.mandatory_rule_delete(rule=rule)
    messages.success(request, _("The mandatory rule has been deleted."))
    return redirect("catalog:manage_rules")


@capability_required("catalog.manage")
def manage_job_groups(request):
    return render(request, "catalog/manage/job_groups.html", {"job_groups": job_groups_with_skills()})


@capability_required("catalog.manage")
def manage_job_group_skills(request, pk):
    job_group = get_object_or_404(JobGroup, pk=pk)
    current = ", ".join(
        JobGroupSkill.objects.filter(job_group=job_group).order_by("skill__name").values_list("skill__name", flat=True)
    )
    form = JobGroupSkillsForm(request.POST or None, initial={"skills": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.job_group_skills_set(job_group=job_group, skills=form.cleaned_data["skills"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The skills of %(group)s have been saved.") % {"group": job_group.name})
            return redirect("catalog:manage_job_groups")
    return render(request, "catalog/manage/job_group_skills.html", {"form": form, "job_group": job_group})


@capability_required("catalog.manage")
def manage_settings(request):
    form = CatalogSettingsForm(
        request.POST or None, initial={"approval_threshold": CatalogSettings.current().approval_threshold}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.catalog_settings_update(approval_threshold=form.cleaned_data["approval_threshold"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The approval threshold has been saved."))
            return redirect("catalog:manage_settings")
    return render(request, "catalog/manage/settings.html", {"form": form})
