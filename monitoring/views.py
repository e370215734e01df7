"""Monitoring's pages: the L&D dashboard, a department's drill-down, the manager's team view, the
thresholds, and CSV/Excel downloads of every table. Each page runs a constant number of queries."""

from decimal import Decimal
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from people.access import capability_required, roles_of
from people.audience import Audience, AudienceKind
from people.models import Department

from . import metrics as metric_registry
from . import reports
from .exports import table_response
from .forms import FilterForm, PeriodForm, ThresholdsForm
from .reports import BREAKDOWN, FORMAT_BREAKDOWN, light_label
from .selectors import (
    kept_figures,
    kept_months,
    kept_people,
    metric_breakdown,
    metric_overview,
    metric_values,
    thresholds,
)
from .services import thresholds_set

EXPORT_FORMATS = ("csv", "xlsx")
PAGE_SIZE = 50
CENT = Decimal("0.01")


def _number(value):
    return "" if value is None else Decimal(value).quantize(CENT)


def _metrics_table(overview):
    headers = [_("Metric"), _("Unit"), _("Value"), _("Numerator"), _("Denominator"), _("Light")]
    rows = (
        [str(m.label), str(m.unit_label), _number(f.value), f.numerator, f.denominator, light_label(light)]
        for m, f, light in overview.readings
    )
    return headers, rows


def _breakdown_table(rows, first: str, names=BREAKDOWN):
    metrics = [metric_registry.get(n) for n in names]
    headers = [first, *[f"{m.label} ({m.unit_label})" for m in metrics]]
    return headers, ([r.label, *[_number(r.figures[m.name].value) for m in metrics]] for r in rows)


def _people_table(audience, period, kept=None):
    headers = [
        _("Name"), _("Department"), _("Job group"), _("Trainings begun"), _("Trainings completed"),
        _("Learning hours"), _("Attended a learning moment"), _("Budget used (%)"), _("Looked at their budget"),
    ]  # fmt: skip

    def rows():  # one statement read in chunks, whatever the size of the audience
        said = {True: _("yes"), False: _("no")}  # translated once, not twice a row
        for name, department, job_group, began, finished, hours, attended, use, viewed in reports.people_rows_streamed(
            audience, period, kept
        ):
            yield [
                name,
                department,
                job_group,
                began,
                finished,
                _number(hours),
                said[attended],
                _number(use),
                said[viewed],
            ]

    return headers, rows()


def _wanted_export(request, tables) -> str | None:
    """The table a download asks for (`?export=csv|xlsx&table=<name>`), or None."""
    fmt, table = request.GET.get("export"), request.GET.get("table", "metrics")
    return table if fmt in EXPORT_FORMATS and table in tables else None


def _download(request, name: str, table: tuple, worked_out_at=None):
    """One of the page's tables, (headers, rows), as the file `?export=csv|xlsx` asks for; an
    aggregate table says when its figures were worked out (monitoring.exports)."""
    headers, rows = table
    return table_response(request.GET["export"], name, headers, rows, worked_out_at=worked_out_at)


def _people_download(request, name: str, audience, period):
    """Every person's own figures: as the night kept them when the page reads kept figures (and
    then the file says when, as the aggregate ones do), else worked out now."""
    kept = None if request.GET.get("fresh") == "1" else kept_people(audience, period)
    return _download(request, name, _people_table(audience, period, kept), kept and kept.taken_at)


def _worked_out_at(kept):
    """When the figures of a download were worked out: the kept ones' time, or now."""
    return kept.taken_at if kept else timezone.now()


def _readings(audience, period, kept=None):
    """What the metrics table reads of an overview, without its cards and history."""
    return SimpleNamespace(readings=reports.readings(metric_values(audience, period, kept=kept)))


DASHBOARD_TABLES = ("metrics", "departments", "job_groups", "levels", "formats", "months")


def _dashboard_table(name: str, audience, period, kept, months_kept, shown):
    """One of the dashboard's tables for a download, computed on its own from the figures the page
    reads (the kept ones, or worked out now)."""
    if name == "metrics":
        return _metrics_table(_readings(audience, period, kept))
    if name == "departments":
        return _breakdown_table(reports.department_rows(audience, period, shown, kept=kept), _("Department"))
    if name == "job_groups":
        return _breakdown_table(reports.job_group_rows(audience, period, kept=kept), _("Job group"))
    if name == "levels":
        return _breakdown_table(reports.level_rows(audience, period, kept=kept), _("Education level"))
    if name == "formats":
        return _breakdown_table(reports.format_rows(audience, period, kept=kept), _("Format"), FORMAT_BREAKDOWN)
    return _breakdown_table(reports.month_rows(audience, period, kept=months_kept), _("Month"))


# What a download of each of the dashboard's tables reads of the organisation's kept figures
# besides its total (selectors.kept_figures' parts).
TABLE_PARTS = {
    "metrics": (),
    "departments": ("department",),
    "job_groups": ("job_group",),
    "levels": ("education_level",),
    "formats": ("format",),
    "months": (),
}


def _kept(request, audience, period, parts=None, departments=None):
    """The figures the nightly task kept for this audience and period (the organisation's or a
    department's, see selectors.kept_figures), unless `?fresh=1` asks them worked out now."""
    if request.GET.get("fresh") == "1":
        return None
    return kept_figures(audience, period, parts=parts, departments=departments)


def _dashboard_kept(request, audience, period, parts=None, departments=None):
    """(kept, months' kept) the dashboard reads: the organisation's figures as the nightly task kept
    them when it kept every part of the page (all of one run, so one "as of" is true of all), else
    (None, None): worked out now. Its downloads read the same, so a file equals the page."""
    kept = _kept(request, audience, period, parts, departments)
    months_kept = kept_months(audience, period) if kept else None
    return (kept, months_kept) if months_kept is not None else (None, None)


def _freshness(request, kept) -> dict:
    """What the page says of its figures' age: when they were worked out, and a link to do it now."""
    query = request.GET.copy()
    query.pop("page", None)
    query["fresh"] = "1"
    return {"kept_at": kept.taken_at if kept else None, "fresh_query": query.urlencode()}


@capability_required("monitoring.view")
def dashboard(request):
    form = FilterForm(request.GET or None)
    audience, period = form.audience(), form.period()
    # the organisation's figures as the nightly task kept them, or worked out now: every metric and
    # the three breakdowns in one statement (each person's facts once), formats and months in one each
    wanted = _wanted_export(request, DASHBOARD_TABLES)
    shown = reports.departments_shown() if wanted in (None, "departments") else None
    departments = None if shown is None else shown.ids  # only theirs of the kept departments
    kept, months_kept = _dashboard_kept(request, audience, period, TABLE_PARTS.get(wanted), departments)
    if wanted is not None:  # a download computes its own table only, from the page's figures
        table = _dashboard_table(wanted, audience, period, kept, months_kept, shown)
        return _download(
            request, f"monitoring-{wanted}", table, _worked_out_at(months_kept if wanted == "months" else kept)
        )
    bys = ("department", "job_group", "education_level")
    values, groups = metric_overview(audience, period, None, BREAKDOWN, bys, kept=kept)
    overview = reports.overview(audience, period, values=values)
    departments = reports.department_rows(audience, period, shown, figures=groups["department"])
    job_groups = reports.job_group_rows(audience, period, figures=groups["job_group"])
    levels = reports.level_rows(audience, period, figures=groups["education_level"])
    formats = reports.format_rows(audience, period, kept=kept)
    months = reports.month_rows(audience, period, kept=months_kept)
    context = {
        **_freshness(request, kept and min(kept, months_kept, key=lambda k: k.taken_at)),
        "form": form,
        "period": period,
        "overview": overview,
        "departments": departments,
        "more_departments": shown.more_below,
        "job_groups": job_groups,
        "levels": levels,
        "formats": formats,
        "months": months,
        "breakdown": [metric_registry.get(n) for n in BREAKDOWN],
        "format_breakdown": [metric_registry.get(n) for n in FORMAT_BREAKDOWN],
        "query": request.GET.urlencode(),
        "period_query": f"year={period.start.year}",
    }
    return render(request, "monitoring/dashboard.html", context)


def _people_page(request, audience, period):
    page = Paginator(reports.people_page_queryset(audience), PAGE_SIZE).get_page(request.GET.get("page"))
    return page, reports.people_rows(audience, period, page.object_list)


@capability_required("monitoring.view")
def department(request, pk):
    dept = get_object_or_404(Department, pk=pk)
    form = PeriodForm(request.GET or None)
    audience, period = Audience.of(AudienceKind.DEPARTMENT, department=dept), form.period()
    wanted = _wanted_export(request, ("metrics", "departments", "people"))
    if wanted == "people":  # every person's own figures, streamed
        return _people_download(request, "department-people", audience, period)
    # its sub-departments, unless only its metrics are downloaded
    shown = None if wanted == "metrics" else reports.departments_shown(under=dept.pk)
    # its figures (and its sub-departments') as the nightly task kept them, or now's
    kept = _kept(request, audience, period, departments=None if shown is None else shown.ids)
    if wanted is not None:  # a download computes its own table only, from the page's figures
        if wanted == "metrics":
            table = _metrics_table(_readings(audience, period, kept))
        else:
            table = _breakdown_table(reports.department_rows(audience, period, shown, kept=kept), _("Department"))
        return _download(request, f"department-{wanted}", table, _worked_out_at(kept))
    values = metric_values(audience, period, kept=kept)
    overview = reports.overview(audience, period, values=values)
    figures = metric_breakdown("department", audience, period, reports.BREAKDOWN, kept=kept)
    children = reports.department_rows(audience, period, shown, figures=figures)
    page, people = _people_page(request, audience, period)
    context = {
        **_freshness(request, kept),
        "department": dept,
        "form": form,
        "period": period,
        "overview": overview,
        "departments": children,
        "breakdown": [metric_registry.get(n) for n in BREAKDOWN],
        "page": page,
        "people": people,
        "utilisation": metric_registry.get("budget_utilisation"),
        "query": request.GET.urlencode(),
        "period_query": f"year={period.start.year}",
    }
    return render(request, "monitoring/department.html", context)


@capability_required("monitoring.team")
def team(request):
    manager = roles_of(request.user).employee
    form = PeriodForm(request.GET or None)
    audience, period = Audience.of(AudienceKind.TEAM, manager=manager), form.period()
    wanted = _wanted_export(request, ("metrics", "people"))
    if wanted == "people":  # every person's own figures, streamed
        return _people_download(request, "team-people", audience, period)
    kept = _kept(request, audience, period)  # a large team's figures as the nightly task kept them
    if wanted == "metrics":  # the page's figures, read the same way
        table = _metrics_table(_readings(audience, period, kept))
        return _download(request, "team-metrics", table, _worked_out_at(kept))
    overview = reports.overview(audience, period, values=metric_values(audience, period, kept=kept))
    page, people = _people_page(request, audience, period)
    context = {
        **_freshness(request, kept),
        "form": form,
        "period": period,
        "overview": overview,
        "page": page,
        "people": people,
        "utilisation": metric_registry.get("budget_utilisation"),
        "query": request.GET.urlencode(),
        "period_query": f"year={period.start.year}",
    }
    return render(request, "monitoring/team.html", context)


@capability_required("monitoring.view")
def threshold_edit(request):
    form = ThresholdsForm(request.POST or None, current=thresholds())
    if request.method == "POST" and form.is_valid():
        try:
            thresholds_set(values=form.values())
        except ValidationError as exc:
            for key, problems in exc.message_dict.items():
                form.add_error(key if key in form.fields else None, problems)
        else:
            messages.success(request, _("The thresholds are saved."))
            return redirect("monitoring:thresholds")
    status = 400 if request.method == "POST" else 200
    return render(request, "monitoring/thresholds.html", {"form": form}, status=status)
