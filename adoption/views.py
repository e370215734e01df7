"""Adoption pages: the L&D home, the programmes, a programme's cycle (checklist, barrier figures
against the comparison group, review and actions), the forms, extend, and the printable report."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from people.access import capability_required, roles_of
from people.audience import EVERYONE, audience_size
from people.formatting import percent
from people.forms import add_service_errors

from . import services
from .access import access_programme, may_close, may_manage
from .forms import ActionFormSet, CycleForm, ExtendForm, ProgrammeForm, ReviewForm, SponsorMessageForm
from .home import ld_home
from .models import Action, Cycle
from .selectors import (
    figures_kept,
    open_actions,
    programme_rows,
    programmes_visible_to,
    sponsor_overview,
    stage_label,
    stage_of,
)
from .shown import effect_rows

WIDE_SHARE = 25  # % of the organisation above which the form nudges towards a smaller pilot


def _fresh(request) -> bool:
    """`?fresh=1`: work the figures out now instead of reading the ones the nightly task kept."""
    return request.GET.get("fresh") == "1"


def _fresh_query(request) -> str:
    query = request.GET.copy()
    query["fresh"] = "1"
    return query.urlencode()


def _freshness(request, kept) -> dict:
    """What the page says of its figures' age (monitoring's partial): when they were worked out,
    and a link to work them out now."""
    return {"kept_at": kept.taken_at if kept else None, "fresh_query": _fresh_query(request)}


@capability_required("adoption.home")
def home(request):
    context = ld_home(today=timezone.localdate(), fresh=_fresh(request))
    context["fresh_query"] = _fresh_query(request)
    return render(request, "adoption/home.html", context)


@capability_required("adoption.view")
def programme_list(request):
    roles = roles_of(request.user)
    programmes = list(programmes_visible_to(request.user).order_by("name", "pk")[:200])
    if not (roles.is_ld_staff or roles.is_manager or programmes):
        raise PermissionDenied  # employees see none of the admin of programmes
    today = timezone.localdate()
    kept = figures_kept(today=today, fresh=_fresh(request))
    rows = programme_rows(programmes, today=today, kept=kept)
    context = {"rows": rows, "may_manage": roles.is_ld_staff, **_freshness(request, kept)}
    return render(request, "adoption/programme_list.html", context)


def _form_data(form) -> dict:
    data = dict(form.cleaned_data)
    for name in ("goals", "surveys", "moments"):
        data[name] = list(data[name])
    return data


def _nudge(form) -> dict | None:
    if not form.is_bound or not form.is_valid():
        return None
    reach = audience_size(form.cleaned_data["audience"])
    everyone = audience_size(EVERYONE) or 1
    return {
        "reach": reach,
        "share": percent(round(100 * reach / everyone)),
        "too_wide": reach * 100 > everyone * WIDE_SHARE,
    }


def _programme_form(request, programme):
    me = roles_of(request.user).employee
    initial = None
    if programme is not None:
        initial = {
            "name": programme.name,
            "audience": programme.audience,
            "sponsor": programme.sponsor,
            "comparison_department": programme.comparison_department,
            "comms_plan": programme.comms_plan,
            "goals": list(programme.goals.all()),
            "surveys": list(programme.surveys.all()),
            "moments": list(programme.moments.all()),
        }
    form = ProgrammeForm(request.POST or None, owner=programme.owner if programme else me, initial=initial)
    nudge = None
    if request.method == "POST" and "check" in request.POST:
        nudge = _nudge(form)
    elif request.method == "POST" and form.is_valid():
        try:
            if programme is None:
                programme = services.programme_create(owner=me, **_form_data(form))
            else:
                programme = services.programme_update(programme=programme, **_form_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The programme “%(name)s” has been saved.") % {"name": programme.name})
            return redirect("adoption:detail", pk=programme.pk)
    status = 400 if form.errors and request.method == "POST" and "check" not in request.POST else 200
    context = {"form": form, "programme": programme, "nudge": nudge}
    return render(request, "adoption/programme_form.html", context, status=status)


@capability_required("adoption.manage")
def programme_new(request):
    return _programme_form(request, None)


@capability_required("adoption.manage")
def programme_edit(request, pk):
    return _programme_form(request, access_programme(request.user, pk))


def _chosen_cycle(request, cycles: list[Cycle]) -> Cycle | None:
    wanted = request.GET.get("cycle", "")
    for c in cycles:
        if wanted.isdigit() and c.number == int(wanted):
            return c
    return cycles[-1] if cycles else None


@capability_required("adoption.view")
def programme_detail(request, pk):
    programme = access_programme(request.user, pk)
    today = timezone.localdate()
    cycles = list(programme.cycles.all())
    cycle = _chosen_cycle(request, cycles)
    kept = figures_kept(today=today, fresh=_fresh(request))
    row = programme_rows([programme], today=today, kept=kept)[0]
    if cycle is not None and cycle is not row.cycle:  # an earlier cycle: its own figures
        from .effects import effects_of

        effects = effects_of([cycle], today=today).get(cycle.pk, [])
    else:
        effects = row.effects
    review = getattr(cycle, "review", None) if cycle else None
    context = {
        "programme": programme,
        "cycles": cycles,
        "cycle": cycle,
        "row": row,
        "stage": stage_label(stage_of(cycle, today)),
        "effects": effect_rows(effects),
        "review": review,
        "review_actions": list(review.actions.select_related("owner").order_by("due_on", "pk")) if review else [],
        "carried": open_actions(programme, before=cycle.number) if cycle else [],
        "lessons": _lessons(programme),
        "may_manage": may_manage(request.user, programme),
        "me": roles_of(request.user).employee,
        **_freshness(request, kept),
    }
    if context["may_manage"]:
        context["create_links"] = _create_links(programme)
    return render(request, "adoption/programme_detail.html", context)


def _create_links(programme) -> list[tuple[str, str]]:
    """The create forms of goals, surveys, communication plans and learning moments, opened with the
    pilot audience filled in; what is saved there is linked to the programme (people.origin)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    a = programme.audience
    query = {"from": f"programme:{programme.pk}", "audience_kind": a.kind}
    if a.department_id:
        query["audience_department"] = a.department_id
    if a.job_group_id:
        query["audience_job_group"] = a.job_group_id
    plan = {"from": query["from"], "title": _("Communication for %(name)s") % {"name": programme.name}}
    links = [
        (_("A goal"), reverse("goals:create") + "?" + urlencode(query)),
        (_("A survey"), reverse("surveys:create") + "?" + urlencode(query)),
        (_("A learning moment"), reverse("policy:moment_create") + "?" + urlencode(query)),
    ]
    if programme.comms_plan_id is None:
        links.append((_("A communication plan"), reverse("comms:plan_create") + "?" + urlencode(plan)))
    return links


def _lessons(programme):
    """The reviews of the programme this one extends (what worked, what did not)."""
    if not programme.extended_from_id:
        return []
    from .models import Review

    return list(
        Review.objects.filter(cycle__programme_id=programme.extended_from_id)
        .select_related("cycle__programme")
        .order_by("cycle__number")
    )


@capability_required("adoption.manage")
def cycle_new(request, pk):
    programme = access_programme(request.user, pk)
    today = timezone.localdate()
    form = CycleForm(request.POST or None, initial={"starts_on": today, "ends_on": today + timedelta(days=90)})
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_start(programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Cycle %(n)s has started; its figures at the start are kept.") % {"n": cycle.number}
            )
            return redirect("adoption:detail", pk=programme.pk)
    return render(
        request, "adoption/cycle_form.html", {"form": form, "programme": programme}, status=400 if form.errors else 200
    )


def _access_cycle(user, pk) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("programme"), pk=pk)
    access_programme(user, cycle.programme_id)
    return cycle


@capability_required("adoption.manage")
def review_new(request, pk):
    cycle = _access_cycle(request.user, pk)
    form = ReviewForm(request.POST or None)
    actions = ActionFormSet(request.POST or None, prefix="action")
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        chosen = [a for a in actions.cleaned_data if a and (a.get("text") or "").strip()]
        try:
            services.review_hold(cycle=cycle, by=roles_of(request.user).employee, actions=chosen, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The review has been saved; its actions carry into the next cycle until done."))
            return redirect(f"{_detail(cycle)}?cycle={cycle.number}")
    status = 400 if request.method == "POST" and (form.errors or actions.errors) else 200
    return render(
        request, "adoption/review_form.html", {"form": form, "actions": actions, "cycle": cycle}, status=status
    )


def _detail(cycle: Cycle) -> str:
    from django.urls import reverse

    return reverse("adoption:detail", args=[cycle.programme_id])


@require_POST
@capability_required("adoption.view")
def action_done(request, pk):
    action = get_object_or_404(Action.objects.select_related("programme"), pk=pk)
    access_programme(request.user, action.programme_id)
    if not may_close(request.user, action):
        raise PermissionDenied
    if services.action_done(action=action):
        messages.success(request, _("The action is done."))
    return redirect("adoption:detail", pk=action.programme_id)


@capability_required("adoption.manage")
def programme_extend(request, pk):
    programme = access_programme(request.user, pk)
    me = roles_of(request.user).employee
    form = ExtendForm(request.POST or None, owner=me, initial={"name": programme.name, "sponsor": programme.sponsor})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.programme_extend(programme=programme, by=me, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("“%(name)s” has been set up from “%(from)s”.") % {"name": new.name, "from": programme.name}
            )
            return redirect("adoption:detail", pk=new.pk)
    context = {"form": form, "programme": programme, "lessons": _lessons_of(programme)}
    return render(request, "adoption/extend_form.html", context, status=400 if form.errors else 200)


def _lessons_of(programme):
    from .models import Review

    return list(Review.objects.filter(cycle__programme=programme).select_related("cycle").order_by("cycle__number"))


@capability_required("adoption.view")
def cycle_report(request, pk):
    cycle = _access_cycle(request.user, pk)
    programme = access_programme(request.user, cycle.programme_id)
    today = timezone.localdate()
    cycle = next(c for c in programme.cycles.all() if c.pk == cycle.pk)
    from .checklist import checklists
    from .effects import effects_of

    kept = figures_kept(today=today, fresh=_fresh(request))
    steps = checklists([programme], {programme.pk: cycle}, today=today, kept=kept)[programme.pk]
    review = getattr(cycle, "review", None)
    context = {
        "programme": programme,
        "cycle": cycle,
        "steps": steps,
        "done": sum(1 for s in steps if s.done),
        "effects": effect_rows(effects_of([cycle], today=today)[cycle.pk]),
        "review": review,
        "review_actions": list(review.actions.select_related("owner")) if review else [],
        "today": today,
        **_freshness(request, kept),
    }
    return render(request, "adoption/cycle_report.html", context)


@capability_required("adoption.view")
def sponsor_page(request):
    """A sponsor's page: what they sponsor and how it goes, what waits for their decision, and a
    short message to the audience of one of them. Managers and people marked as sponsors (goals'
    rule) and L&D staff; each sees only what they sponsor themselves."""
    import uuid

    from goals.selectors import is_sponsor

    roles = roles_of(request.user)
    me = roles.employee
    if not (roles.is_ld_staff or is_sponsor(me)):
        raise PermissionDenied
    today = timezone.localdate()
    kept = figures_kept(today=today, fresh=_fresh(request))
    overview = sponsor_overview(me, today=today, kept=kept)
    form = SponsorMessageForm(
        request.POST or None,
        goals=[row.goal for row in overview.goals],
        programmes=[row.programme for row in overview.programmes],
        initial={"key": uuid.uuid4()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            message, sent = services.sponsor_message_send(
                sender=me, key=data["key"], subject=data["subject"], body=data["body"], **form.chosen()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if sent:
                n = message.recipients
                messages.success(
                    request,
                    ngettext(
                        "Your message has been sent to %(n)s person.", "Your message has been sent to %(n)s people.", n
                    )
                    % {"n": n},
                )
            else:
                messages.info(request, _("This message had been sent already; it was not sent again."))
            return redirect("adoption:sponsor")
    context = {"overview": overview, "form": form, "may_write": bool(form.targets), **_freshness(request, kept)}
    return render(request, "adoption/sponsor.html", context, status=400 if form.errors else 200)
