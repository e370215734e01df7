"""Engagement pages: my activity and how it counted (and my choice to be named), the boards per
quarter and per team or department, and L&D's page with the point rules and the most active."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people.access import capability_required, roles_of
from people.exports import CSV_BATCH, csv_response
from people.forms import add_service_errors

from . import services
from .forms import NamedForm, PointRuleForm, RewardForm
from .models import Reward
from .points import rules_all
from .selectors import (
    Quarter,
    activity_of,
    ambassador_suggestions,
    board,
    board_rows,
    board_totals,
    most_active,
    participant_named,
    scopes_for,
)
from .selectors_ambassadors import my_ambassadorships


@capability_required("engagement.view")
def mine(request):
    me = roles_of(request.user).employee
    quarter = Quarter.parse(request.GET.get("period"))
    lines = list(activity_of(employee_id=me.pk, quarter=quarter)[:300])
    context = {
        "quarter": quarter,
        "lines": lines,
        "total": sum(line.points for line in lines),
        "form": NamedForm(initial={"named": participant_named(me.pk)}),
        "rules": rules_all(),
        "ambassadorships": my_ambassadorships(me),
    }
    return render(request, "engagement/mine.html", context)


@require_POST
@capability_required("engagement.view")
def named_set(request):
    form = NamedForm(request.POST)
    form.is_valid()
    named = form.cleaned_data.get("named", False)
    services.participant_named_set(employee=roles_of(request.user).employee, named=named)
    messages.success(
        request,
        _("Your name now shows on the boards.") if named else _("The boards now show you as “a colleague”."),
    )
    return redirect("engagement:mine")


def _board_scope(request, kind=None, pk=None):
    """The boards this person may see and the one asked for (the first when none is named)."""
    roles = roles_of(request.user)
    scopes = scopes_for(roles.employee, all_departments=roles.is_ld_staff)
    if kind is None:
        return scopes, (scopes[0] if scopes else None)
    scope = next((s for s in scopes if (s.kind, s.pk) == (kind, pk)), None)
    if scope is None:
        raise Http404  # a board this person may not see
    return scopes, scope


def _board_context(request, kind=None, pk=None):
    scopes, scope = _board_scope(request, kind, pk)
    quarter = Quarter.parse(request.GET.get("period"))
    viewer_id = roles_of(request.user).employee.pk
    rows = board(scope=scope, quarter=quarter, viewer_id=viewer_id) if scope else []
    return {"scopes": scopes, "scope": scope, "quarter": quarter, "rows": rows}


@capability_required("engagement.view")
def board_view(request, kind=None, pk=None):
    if request.GET.get("scope"):  # the board picker's choice, as the board's own address
        chosen_kind, _sep, chosen_pk = request.GET["scope"].partition(":")
        if chosen_kind in ("team", "department") and chosen_pk.isdigit():
            url = reverse("engagement:board_scope", args=[chosen_kind, int(chosen_pk)])
            return redirect(f"{url}?period={Quarter.parse(request.GET.get('period')).key}")
        raise Http404
    context = _board_context(request, kind, pk)
    context["previous"] = context["quarter"].previous()
    context["next"] = context["quarter"].next()
    return render(request, "engagement/board.html", context)


@capability_required("engagement.view")
def board_export(request, kind, pk):
    """The whole board, everyone with points, not only the page's top: streamed from one statement
    read in chunks, so a team of fifty thousand costs its rows and never holds them all."""
    _scopes, scope = _board_scope(request, kind, pk)
    quarter = Quarter.parse(request.GET.get("period"))
    totals = board_totals(scope=scope, quarter=quarter).iterator(chunk_size=CSV_BATCH)
    rows = ([r.rank, r.name, r.points] for r in board_rows(totals))
    return csv_response(f"board-{quarter.key}.csv", [_("Rank"), _("Name"), _("Points")], rows)


@capability_required("engagement.manage")
def manage(request):
    quarter = Quarter.parse(request.GET.get("period"))
    form = PointRuleForm(request.POST or None, prefix="rule")
    reward_form = RewardForm(prefix="reward")
    if request.method == "POST" and form.is_valid():
        try:
            services.point_rule_save(**form.cleaned_data, by=roles_of(request.user).employee)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The rule applies to activity from now on."))
            return redirect("engagement:manage")
    return render(request, "engagement/manage.html", _manage_context(quarter, form, reward_form))


def _manage_context(quarter, form, reward_form):
    return {
        "quarter": quarter,
        "rules": rules_all(),
        "form": form,
        "reward_form": reward_form,
        "active": list(most_active(quarter=quarter)),
        "rewards": list(Reward.objects.select_related("employee").order_by("-created_at")[:20]),
        "pool_left": services.reward_pool_left(quarter.key),
        "suggestions": ambassador_suggestions(),
    }


@require_POST
@capability_required("engagement.manage")
def reward(request):
    quarter = Quarter.parse(None)
    reward_form = RewardForm(request.POST, prefix="reward")
    if reward_form.is_valid():
        data = reward_form.cleaned_data
        try:
            services.reward_give(
                employee=data["employee"],
                by=request.user,
                message=data["message"],
                badge=data["badge"],
                amount=data["amount"] or None,
                reason=data["reason"],
            )
        except ValidationError as error:
            add_service_errors(reward_form, error)
        else:
            messages.success(request, _("%(name)s has been thanked.") % {"name": data["employee"].full_name})
            return redirect("engagement:manage")
    context = _manage_context(quarter, PointRuleForm(prefix="rule"), reward_form)
    return render(request, "engagement/manage.html", context, status=400)
