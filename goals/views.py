"""Goal pages: the list, the form (with the reach of the audience, the baseline it would start
from, the pace warning and the informing surveys' key results beside it), a goal with its
progress and history, the owner's and the sponsor's actions, and L&D staff's list of sponsors."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from monitoring import metrics as metric_registry
from people.access import capability_required, roles_of
from people.audience import EVERYONE, audience_size
from people.formatting import day, percent
from people.forms import add_service_errors
from people.origin import initial_from, tell_created
from people.views import employee_options

from . import services
from .access import access_goal, goal_actions
from .forms import DecisionForm, GoalForm, SponsorForm
from .models import Goal, GoalStatus, Sponsor
from .selectors import goal_progress, goals_visible_to, latest_values, sponsor_candidates, survey_key_results
from .services.checks import show

LIST_LIMIT = 200  # goals on the list page; search or filter to find others
WIDE_SHARE = 25  # % of the organisation above which the form nudges towards one department or job group


@capability_required("goals.view")
def goal_list(request):
    roles = roles_of(request.user)
    me = roles.employee
    goals = goals_visible_to(request.user).order_by("deadline", "pk")
    status = request.GET.get("status", "")
    if status in GoalStatus.values:
        goals = goals.filter(status=status)
    search = request.GET.get("q", "").strip()[:100]
    if search:
        goals = goals.filter(title__icontains=search)
    goals = list(goals[: LIST_LIMIT + 1])
    more = len(goals) > LIST_LIMIT
    goals = goals[:LIST_LIMIT]
    values = latest_values(goals)
    rows = [(g, show(g.metric, g.target), show(g.metric, values.get(g.pk))) for g in goals]
    mine = [r for r in rows if me and r[0].owner_id == me.pk]
    sponsored = [r for r in rows if me and r[0].sponsor_id == me.pk]
    others = [r for r in rows if not me or (r[0].owner_id != me.pk and r[0].sponsor_id != me.pk)]
    context = {
        "mine": mine,
        "sponsored": sponsored,
        "others": others,
        "status": status,
        "search": search,
        "more": more,
        "statuses": GoalStatus.choices,
        "may_propose": request.user.is_authenticated and _may_propose(request.user),
    }
    return render(request, "goals/goal_list.html", context)


def _may_propose(user) -> bool:
    from people.access import has_capability

    return has_capability(user, "goals.propose")


@dataclass
class Preview:
    reach: int
    share: object
    too_wide: bool
    baseline: str
    warnings: list
    surveys: list


def _preview(form, owner) -> Preview | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    today = timezone.localdate()
    audience = data["audience"]
    reach = audience_size(audience)
    everyone = audience_size(EVERYONE) or 1
    share = round(100 * reach / everyone)
    baseline = services.live_figure(data["metric"], audience, today) if reach else None
    warnings = (
        services.goal_warnings(
            metric=data["metric"],
            audience=audience,
            baseline=baseline,
            target=data["target"],
            deadline=data["deadline"],
            today=today,
        )
        if baseline is not None and data.get("deadline")
        else []
    )
    problems = services.goal_problems(
        owner=owner,
        title=data["title"],
        why=data["why"],
        audience=audience,
        metric=data["metric"],
        target=data["target"],
        deadline=data["deadline"],
        sponsor=data["sponsor"],
        surveys=list(data["surveys"]),
        baseline=baseline,
        today=today,
    )
    for name, message in problems.items():
        form.add_error(name if name in form.fields else None, message)
    return Preview(
        reach=reach,
        share=percent(share),
        too_wide=reach * 100 > everyone * WIDE_SHARE,
        baseline=show(data["metric"], baseline),
        warnings=warnings,
        surveys=[survey_key_results(s) for s in data["surveys"]],
    )


def _initial(goal: Goal) -> dict:
    return {
        "title": goal.title,
        "why": goal.why,
        "audience": goal.audience,
        "metric": goal.metric,
        "target": goal.target,
        "deadline": goal.deadline,
        "sponsor": goal.sponsor,
        "surveys": list(goal.surveys.all()),
    }


def _goal_form(request, goal: Goal | None):
    owner = roles_of(request.user).employee
    form = GoalForm(request.POST or None, owner=owner, initial=_initial(goal) if goal else initial_from(request.GET))
    preview = None
    if request.method == "POST" and "check" in request.POST:
        preview = _preview(form, owner)
    elif request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["surveys"] = list(data["surveys"])
        try:
            if goal is None:
                goal = services.goal_create(owner=owner, **data)
                tell_created(request, goal)
            else:
                goal = services.goal_update(goal=goal, by=owner, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The goal “%(title)s” has been saved as a draft.") % {"title": goal.title})
            return redirect("goals:detail", pk=goal.pk)
    status = 400 if form.errors and request.method == "POST" and "check" not in request.POST else 200
    return render(request, "goals/goal_form.html", {"form": form, "goal": goal, "preview": preview}, status=status)


@capability_required("goals.propose")
def goal_new(request):
    return _goal_form(request, None)


@capability_required("goals.view")
def goal_edit(request, pk):
    goal = access_goal(request.user, pk)
    if "edit" not in goal_actions(request.user, goal):
        raise PermissionDenied
    return _goal_form(request, goal)


@capability_required("goals.view")
def goal_detail(request, pk):
    goal = access_goal(request.user, pk)
    transitions = list(goal.transitions.select_related("by").order_by("at", "pk"))
    progress = goal_progress(goal) if goal.baseline_on else None
    chart = None
    if progress and progress.has_points:
        chart = {
            "labels": [day(p.day) for p in progress.points],
            "actual": [None if p.actual is None else float(p.actual) for p in progress.points],
            "expected": [float(p.expected) for p in progress.points],
            "actual_label": _("Actual"),
            "expected_label": _("Path to the target"),
        }
    rows = (
        [(p.day, show(goal.metric, p.actual), show(goal.metric, p.expected)) for p in progress.points]
        if progress
        else []
    )
    context = {
        "goal": goal,
        "metric": metric_registry.get(goal.metric) if goal.metric in metric_registry.REGISTRY else None,
        "transitions": transitions,
        "progress": progress,
        "chart": chart,
        "rows": rows,
        "shown": {
            "baseline": show(goal.metric, goal.baseline),
            "target": show(goal.metric, goal.target),
            "current": show(goal.metric, progress.current) if progress else "–",
            "projected": show(goal.metric, progress.projected) if progress else "–",
            "final": show(goal.metric, goal.final_value),
        },
        "actions": goal_actions(request.user, goal),
        "decision_form": DecisionForm(),
        "surveys": list(goal.surveys.all()),
    }
    return render(request, "goals/goal_detail.html", context)


def _refused(request, exc: ValidationError):
    messages.error(request, " ".join(exc.messages))


@require_POST
@capability_required("goals.view")
def goal_submit_view(request, pk):
    goal = access_goal(request.user, pk)
    if "submit" not in goal_actions(request.user, goal):
        raise PermissionDenied
    try:
        services.goal_submit(goal=goal, by=roles_of(request.user).employee)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The goal waits for %(name)s's approval.") % {"name": goal.sponsor.full_name})
    return redirect("goals:detail", pk=goal.pk)


@require_POST
@capability_required("goals.view")
def goal_decide(request, pk):
    goal = access_goal(request.user, pk)
    me = roles_of(request.user).employee
    if me is None or goal.sponsor_id != me.pk or goal.owner_id == me.pk:
        raise PermissionDenied
    form = DecisionForm(request.POST)
    comment = form.data.get("comment", "")
    try:
        if request.POST.get("decision") == "approve":
            services.goal_approve(goal=goal, by=me, comment=comment)
            messages.success(request, _("You approved the goal; it is active now."))
        else:
            services.goal_reject(goal=goal, by=me, comment=comment)
            messages.success(request, _("You rejected the goal; the owner has been told why."))
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("goals:detail", pk=goal.pk)


@require_POST
@capability_required("goals.view")
def goal_withdraw_view(request, pk):
    goal = access_goal(request.user, pk)
    if "withdraw" not in goal_actions(request.user, goal):
        raise PermissionDenied
    try:
        services.goal_withdraw(goal=goal, by=roles_of(request.user).employee, comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The goal has been withdrawn."))
    return redirect("goals:detail", pk=goal.pk)


@capability_required("goals.sponsors")
def sponsors(request):
    form = SponsorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mark = services.sponsor_mark(employee=form.cleaned_data["employee"], by=roles_of(request.user).employee)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is marked as a sponsor.") % {"name": mark.employee.full_name})
            return redirect("goals:sponsors")
    marked = list(
        Sponsor.objects.select_related("employee__department", "marked_by").order_by(
            "employee__last_name", "employee__first_name"
        )
    )
    context = {"form": form, "marked": marked}
    return render(request, "goals/sponsors.html", context, status=400 if form.errors else 200)


@capability_required("goals.propose")
def sponsor_search(request):
    """The sponsor field's search (goal and programme forms): at most 20 sponsor candidates for what
    was typed. Whoever may propose a goal may choose any candidate as its sponsor, so they may find
    them here, by name only: the e-mail addresses stay in the directory."""
    return employee_options(request, among=sponsor_candidates(), contact=False)


@require_POST
@capability_required("goals.sponsors")
def sponsor_remove(request, pk):
    mark = get_object_or_404(Sponsor.objects.select_related("employee"), pk=pk)
    services.sponsor_unmark(employee=mark.employee)
    messages.success(request, _("%(name)s is no longer marked as a sponsor.") % {"name": mark.employee.full_name})
    return redirect("goals:sponsors")
