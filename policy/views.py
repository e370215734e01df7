"""Moment pages: mine (next one, join, calendar, hours), a moment's occurrences and check-in, the
calendar feed, my team's hours, and for L&D staff the moments, occurrences, policies and hours."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people.access import capability_required, has_capability, roles_of
from people.audience import AUDIENCE_RELATED
from people.forms import add_service_errors
from people.origin import initial_from, tell_created
from people.paging import team_page

from . import services
from .forms import MomentForm, OccurrenceForm, PolicyForm
from .ical import calendar_for
from .models import MOMENT_FIELDS, CalendarFeed, LearningMoment, LearningTimePolicy, MomentMute
from .recurrence import parse_key
from .selectors import (
    hours_overview,
    hours_per_scope,
    hours_per_scope_kept,
    moment_in_scope,
    moments_all,
    moments_for_employee,
    my_moment_cards,
    suggested_items,
    upcoming_occurrences,
)


def access_moment(user, pk) -> LearningMoment:
    """A moment the person may see (L&D staff: any; an employee: an active one in their scope), or 404."""
    moment = moments_all().filter(pk=pk).first()
    if moment is None:
        raise Http404
    if has_capability(user, "policy.manage"):
        return moment
    employee = roles_of(user).employee
    if employee is None or not moment.active or not moment_in_scope(moment=moment, employee=employee):
        raise Http404
    return moment


def _ics_response(content: bytes, filename: str, disposition: str = "attachment") -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@capability_required("policy.view_own")
def my_moments(request):
    employee = roles_of(request.user).employee
    feed = services.calendar_feed_get(employee=employee)
    context = {
        "cards": my_moment_cards(employee=employee),
        "my_hours": hours_overview([employee])[0],
        "feed_url": request.build_absolute_uri(reverse("policy:feed", kwargs={"token": feed.token})),
    }
    return render(request, "policy/moment_list.html", context)


def moment_detail(request, pk):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    moment = access_moment(request.user, pk)
    employee = roles_of(request.user).employee
    now = timezone.now()
    attended, muted = set(), False
    if employee is not None:
        attended = set(moment.attendances.filter(employee=employee).values_list("occurrence_start", flat=True))
        muted = MomentMute.objects.filter(moment=moment, employee=employee).exists()
    rows = []
    for occ in upcoming_occurrences(moment, now=now, days=56, include_cancelled=True):
        can_check_in = (
            employee is not None
            and not occ.cancelled
            and occ.start - services.CHECK_IN_OPENS <= now <= occ.end + services.CHECK_IN_CLOSES
            and moment_in_scope(moment=moment, employee=employee)
        )
        rows.append({"occ": occ, "attended": occ.original_start in attended, "can_check_in": can_check_in})
    highlight = parse_key(request.GET.get("occurrence", ""))
    context = {
        "moment": moment,
        "rows": rows,
        "muted": muted,
        "is_employee": employee is not None,
        "highlight": highlight,
        "suggested_items": suggested_items(moment),
    }
    return render(request, "policy/moment_detail.html", context)


def moment_ics(request, pk):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    moment = access_moment(request.user, pk)
    return _ics_response(calendar_for([moment], name=moment.title), f"moment-{moment.pk}.ics")


@require_POST
@capability_required("policy.view_own")
def check_in(request, pk):
    moment = access_moment(request.user, pk)
    employee = roles_of(request.user).employee
    when = parse_key(request.POST.get("occurrence", ""))
    try:
        if when is None:
            raise ValidationError(_("Unknown occurrence."))
        _attendance, created = services.attendance_check_in(employee=employee, moment=moment, original_start=when)
    except ValidationError as e:
        if request.htmx:
            return render(request, "policy/partials/check_in_result.html", {"error": " ".join(e.messages)}, status=400)
        messages.error(request, " ".join(e.messages))
        return redirect("policy:moment_detail", pk=moment.pk)
    text = _("You are checked in.") if created else _("You were already checked in.")
    if request.htmx:
        return render(request, "policy/partials/check_in_result.html", {"ok": text})
    messages.success(request, text)
    return redirect("policy:moment_detail", pk=moment.pk)


@require_POST
@capability_required("policy.view_own")
def mute(request, pk):
    moment = access_moment(request.user, pk)
    employee = roles_of(request.user).employee
    muted = request.POST.get("muted") == "1"
    services.moment_mute(employee=employee, moment=moment, muted=muted)
    messages.success(
        request, _("Reminders for this moment are off.") if muted else _("Reminders for this moment are on.")
    )
    if request.POST.get("next") == "list":
        return redirect("policy:my_moments")
    return redirect("policy:moment_detail", pk=moment.pk)


def feed(request, token):
    """The private iCalendar feed; the token in the URL is the only credential (calendar apps send no login)."""
    found = CalendarFeed.objects.select_related("employee").filter(token=token, employee__active=True).first()
    if found is None:
        raise Http404
    moments = moments_for_employee(employee=found.employee)
    # A calendar app sends no language of its own: the feed is in its owner's.
    with translation.override(found.employee.locale or settings.LANGUAGE_CODE):
        content = calendar_for(moments, name=_("Learning moments"))
    # Inline: calendar apps subscribe to it; the .ics of one moment is a download.
    return _ics_response(content, "learning-moments.ics", "inline")


@require_POST
@capability_required("policy.view_own")
def feed_reset(request):
    services.calendar_feed_reset(employee=roles_of(request.user).employee)
    messages.success(request, _("Your calendar link has been renewed; the old link no longer works."))
    return redirect("policy:my_moments")


@capability_required("policy.team_hours")
def team_hours(request):
    """The team's learning hours against the policy, 50 people a page (with a search): the hours
    of a page's people only, so the page costs the same for any size of team."""
    me = roles_of(request.user).employee
    team = team_page(request, me.pk if me is not None else None)
    context = {"rows": hours_overview(team.members), "page": team.page, "q": team.q, "query": team.query}
    return render(request, "policy/team_hours.html", context)


@capability_required("policy.manage")
def manage(request):
    """The moments and policies, and the hours per scope: as the frequent task kept them today (no
    statement over everyone) with when they were worked out, else or on `?fresh=1` worked out now."""
    kept = None if request.GET.get("fresh") == "1" else hours_per_scope_kept()
    context = {
        "moments": moments_all().order_by("title"),
        "policies": LearningTimePolicy.objects.select_related(*AUDIENCE_RELATED).order_by("audience_kind", "pk"),
        "scopes": kept.scopes if kept else hours_per_scope(),
        "kept_at": kept.taken_at if kept else None,
    }
    return render(request, "policy/manage.html", context)


def _moment_form(request, moment=None):
    form = MomentForm(request.POST or None, instance=moment, initial=None if moment else initial_from(request.GET))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in MOMENT_FIELDS}
        try:
            if moment is None:
                moment = services.moment_create(by=roles_of(request.user).employee, **data)
                tell_created(request, moment)
            else:
                moment = services.moment_update(moment=moment, **data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("%(title)s has been saved.") % {"title": moment.title})
            return redirect("policy:occurrences", pk=moment.pk)
    return render(request, "policy/moment_form.html", {"form": form, "moment": moment})


@capability_required("policy.manage")
def moment_create(request):
    return _moment_form(request)


@capability_required("policy.manage")
def moment_edit(request, pk):
    return _moment_form(request, get_object_or_404(LearningMoment, pk=pk))


@capability_required("policy.manage")
def occurrences(request, pk):
    moment = access_moment(request.user, pk)
    form = OccurrenceForm(request.POST or None, moment=moment)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == "cancel":
                    services.occurrence_cancel(moment=moment, original_start=data["occurrence"], note=data["note"])
                elif data["action"] == "move":
                    services.occurrence_move(
                        moment=moment, original_start=data["occurrence"], new_start=data["new_start"], note=data["note"]
                    )
                else:
                    services.occurrence_restore(moment=moment, original_start=data["occurrence"])
            except ValidationError as e:
                form.add_error(None, e.messages)
            else:
                messages.success(request, _("The occurrence has been changed."))
                return redirect("policy:occurrences", pk=moment.pk)
        status = 400
    now = timezone.now()
    attendance = {
        row["occurrence_start"]: row["n"]
        for row in moment.attendances.filter(occurrence_start__gte=now - timedelta(days=2))
        .values("occurrence_start")
        .annotate(n=Count("pk"))
    }
    context = {
        "moment": moment,
        "rows": upcoming_occurrences(moment, now=now, days=120, include_cancelled=True),
        "form": form,
        "attendance": attendance,
    }
    return render(request, "policy/occurrences.html", context, status=status)


def _policy_form(request, policy=None):
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.POLICY_FIELDS}
        try:
            if policy is None:
                services.policy_create(**data)
            else:
                services.policy_update(policy=policy, **data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("The learning-time policy has been saved."))
            return redirect("policy:manage")
    status = 400 if request.method == "POST" else 200
    return render(request, "policy/policy_form.html", {"form": form, "policy": policy}, status=status)


@capability_required("policy.manage")
def policy_create(request):
    return _policy_form(request)


@capability_required("policy.manage")
def policy_edit(request, pk):
    return _policy_form(request, get_object_or_404(LearningTimePolicy, pk=pk))


@require_POST
@capability_required("policy.manage")
def policy_delete(request, pk):
    services.policy_delete(policy=get_object_or_404(LearningTimePolicy, pk=pk))
    messages.success(request, _("The learning-time policy has been removed."))
    return redirect("policy:manage")
