"""Budget pages: my budget, an employee's budget, the team's, the L&D overview with exports,
manual adjustments and budget policies."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from people.access import access_employee, capability_required, has_capability, roles_of
from people.audience import AUDIENCE_RELATED
from people.exports import csv_response, stamped, xlsx_response
from people.paging import team_page
from people.registry import LEARNING_HOURS, registry
from people.reporting import team_sizes_of
from people.selectors import rows_that_fit

from .forms import AdjustmentForm, BudgetPolicyForm, BudgetSearchForm
from .models import Budget, BudgetPolicy
from .selectors import (
    budget_for_employee,
    budget_history,
    budget_overview_kept,
    budget_pending,
    budget_search,
    never_viewed,
    team_budget_rows,
    team_totals_shown,
)
from .services import budget_adjust, budget_mark_viewed, budget_policy_save, is_own_budget


def _budget_page(request, employee, *, own: bool):
    budget = budget_for_employee(employee_id=employee.pk)
    today = timezone.localdate()
    if own and budget is not None and budget.period_start <= today <= budget.period_end:
        budget_mark_viewed(budget=budget)
    own_budget = budget is not None and is_own_budget(budget, request.user)
    context = {
        "employee": employee,
        "budget": budget,
        "own": own,
        "history": budget_history(budget) if budget else [],
        "pending": budget_pending(employee_id=employee.pk) if budget else None,
        "days_left": max(0, (budget.expires_on - today).days) if budget else None,
        "can_adjust": has_capability(request.user, "budgets.manage") and not own_budget,
        # Learning hours as every page shows them: the learning-time policy's figure (issue 13).
        "learning_hours": registry.use(LEARNING_HOURS)(employee) if budget else None,
    }
    return render(request, "budgets/budget_detail.html", context)


@capability_required("budgets.view_own")
def my_budget(request):
    return _budget_page(request, roles_of(request.user).employee, own=True)


def employee_budget(request, pk):
    """One employee's budget: the employee, their managers (direct and indirect) and L&D staff."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    employee = access_employee(request.user, pk)
    me = roles_of(request.user).employee
    return _budget_page(request, employee, own=me is not None and me.pk == employee.pk)


@capability_required("budgets.team")
def team(request):
    """The team's budgets a page at a time, with the whole team's totals computed in SQL."""
    me = roles_of(request.user).employee
    team = team_page(request, me.pk if me else None)
    totals, kept_at = (None, None)
    if me is not None:  # a large team's totals as the nightly task kept them, unless ?fresh=1
        size = sum(team_sizes_of(request, me.pk).values()) if team.q else team.page.paginator.count
        totals, kept_at = team_totals_shown(manager=me, size=size, fresh=request.GET.get("fresh") == "1")
    fresh_query = request.GET.copy()
    fresh_query.pop("page", None)
    fresh_query["fresh"] = "1"
    return render(
        request,
        "budgets/team.html",
        {
            "rows": team_budget_rows(team.members),
            "page": team.page,
            "q": team.q,
            "query": team.query,
            "totals": totals,
            "idle_count": totals["idle"] if totals else 0,
            "kept_at": kept_at,
            "fresh_query": fresh_query.urlencode(),
        },
    )


def _export_rows(data):
    departments = _("Department (with its sub-departments)")
    for label, rows in ((departments, data["departments"]), (_("Job group"), data["job_groups"])):
        for row in rows:
            yield [
                label,
                row["name"],
                row["employees"],
                row["allocated"],
                row["committed"],
                row["spent"],
                row["available"],
                "" if row["utilisation"] is None else row["utilisation"],
                row["never_viewed"],
            ]


def _headers():
    return [
        _("Grouped by"),
        _("Name"),
        _("Employees"),
        _("Allocated"),
        _("Committed"),
        _("Spent"),
        _("Available"),
        _("Utilisation %"),
        _("Never opened their budget"),
    ]


@capability_required("budgets.manage")
def overview(request):
    data, kept_at = budget_overview_kept(fresh=request.GET.get("fresh") == "1")
    export = request.GET.get("export")
    # A download carries the totals the page shows; when they were kept, its name says from when.
    name = stamped("budgets", kept_at)
    if export == "csv":
        return csv_response(f"{name}.csv", _headers(), _export_rows(data))
    if export == "xlsx":
        return xlsx_response(f"{name}.xlsx", _("Budgets"), _headers(), _export_rows(data))
    paginator = Paginator(never_viewed(), 50)
    paginator.count = data["total"]["never_viewed_active"]  # counted with the totals: no second scan
    page = paginator.get_page(request.GET.get("page"))
    search = BudgetSearchForm(request.GET)
    q = search.cleaned_data["q"][:100] if search.is_valid() else ""
    found = list(budget_search(q)) if q else None
    # the tree's levels that fit in a table (at 50,000 people 10 of 214 departments); the download
    # holds them all
    departments, more_departments = rows_that_fit(data["departments"], lambda row: row["depth"])
    context = {
        "data": data,
        "departments": departments,
        "more_departments": more_departments,
        "kept_at": kept_at,
        "never_viewed": page,
        "q": q,
        "found": found,
        "search_errors": search.errors.get("q"),
    }
    return render(request, "budgets/overview.html", context)


@capability_required("budgets.manage")
def adjust(request, pk):
    budget = get_object_or_404(Budget.objects.select_related("employee", "policy"), pk=pk)
    if is_own_budget(budget, request.user):
        raise PermissionDenied(_("Nobody adjusts their own budget: ask a colleague in L&D."))
    form = AdjustmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            budget_adjust(
                budget=budget, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("The adjustment has been recorded."))
            return redirect("budgets:employee", pk=budget.employee_id)
    return render(request, "budgets/adjust.html", {"budget": budget, "form": form})


@capability_required("budgets.manage")
def policy_list(request):
    policies = BudgetPolicy.objects.select_related(*AUDIENCE_RELATED).order_by("-active", "name")
    return render(request, "budgets/policy_list.html", {"policies": policies})


@capability_required("budgets.manage")
def policy_edit(request, pk=None):
    policy = get_object_or_404(BudgetPolicy, pk=pk) if pk else None
    form = BudgetPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        saved = budget_policy_save(policy=form.save(commit=False))
        messages.success(request, _("%(name)s has been saved.") % {"name": saved.name})
        return redirect("budgets:policy_list")
    return render(request, "budgets/policy_form.html", {"form": form, "policy": policy})
