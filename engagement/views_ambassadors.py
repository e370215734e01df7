"""Ambassador pages: L&D's page of suggestions, nominations and appointments; the person's answer
to an invitation; a department's page (its ambassadors, its uptake as aggregates, the learning
moments that reach it, the needs inbox and nominating a colleague); L&D's forwarded needs."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import LearningItem
from people.access import capability_required, roles_of
from people.forms import add_service_errors
from people.models import Department

from . import selectors_ambassadors as sel
from . import services
from .forms_ambassadors import DecideForm, GroupForm, InviteForm, NeedForm, NominateForm
from .models import Ambassadorship, NeedGroup, Nomination
from .selectors import ambassador_suggestions
from .services.needs import outcome_text

# --- L&D: suggestions, nominations, appointments -------------------------------------------------


def _manage_context(invite_form):
    nominations = list(sel.nominations_open())
    return {
        "suggestions": ambassador_suggestions(),
        "nominations": nominations,
        "live": list(sel.ambassadorships_live()),
        "invite_form": invite_form,
    }


@capability_required("engagement.manage")
def ambassadors(request):
    return render(request, "engagement/ambassadors/manage.html", _manage_context(InviteForm()))


@require_POST
@capability_required("engagement.manage")
def invite(request):
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            row = services.ambassador_invite(
                employee=form.cleaned_data["employee"],
                department=form.cleaned_data["department"],
                by=roles_of(request.user).employee,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s is invited; they become ambassador when they accept.") % {"name": row.employee}
            )
            return redirect("engagement:ambassadors")
    return render(request, "engagement/ambassadors/manage.html", _manage_context(form), status=400)


@require_POST
@capability_required("engagement.manage")
def end(request, pk):
    row = get_object_or_404(Ambassadorship, pk=pk)
    try:
        services.ambassador_end(ambassadorship=row, by=roles_of(request.user).employee)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Done: %(name)s has been told.") % {"name": row.employee})
    return redirect("engagement:ambassadors")


@require_POST
@capability_required("engagement.manage")
def nomination_dismiss(request, pk):
    nomination = get_object_or_404(Nomination, pk=pk)
    try:
        services.nomination_dismiss(nomination=nomination, by=roles_of(request.user).employee)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("engagement:ambassadors")


# --- the person: accept, decline, step down ------------------------------------------------------

ANSWERS = {
    "accept": (services.ambassador_accept, _("Thank you: you are now an ambassador.")),
    "decline": (services.ambassador_decline, _("You declined the invitation.")),
    "step_down": (services.ambassador_step_down, _("You stepped down as ambassador.")),
}


@require_POST
@capability_required("engagement.view")
def answer(request, pk):
    me = roles_of(request.user).employee
    row = Ambassadorship.objects.filter(pk=pk, employee=me).first()
    choice = ANSWERS.get(request.POST.get("answer", ""))
    if row is None:
        raise Http404  # someone else's invitation
    if choice is None:
        messages.error(request, _("Choose an answer."))
        return redirect("engagement:mine")
    service, done = choice
    try:
        service(ambassadorship=row, employee=me)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(done))
    return redirect("engagement:mine")


# --- a department's page -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Access:
    department: Department
    ambassadors: list
    is_ambassador: bool
    leads: bool  # an ambassador here or L&D staff: sees the uptake and the inbox
    member: bool  # works here or below: drops needs and nominates


def _department_access(request, pk) -> _Access:
    """The department and what the viewer may do there: its members see it, drop needs and
    nominate; its ambassadors and L&D staff also see the uptake and the inbox. Others: not found."""
    roles = roles_of(request.user)
    department = get_object_or_404(Department, pk=pk)
    ambassadors = sel.department_ambassadors(department)
    is_ambassador = any(a.employee_id == roles.employee.pk for a in ambassadors)
    access = _Access(
        department=department,
        ambassadors=ambassadors,
        is_ambassador=is_ambassador,
        leads=roles.is_ld_staff or is_ambassador,
        member=sel.is_member(roles.employee, department),
    )
    if not (access.leads or access.member):
        raise Http404
    return access


@capability_required("engagement.view")
def my_department(request):
    me = roles_of(request.user).employee
    mine = sel.my_ambassadorships(me)
    accepted = [a for a in mine if a.status == "accepted"]
    if accepted:
        return redirect("engagement:department", accepted[0].department_id)
    if me.department_id is None:
        raise Http404
    return redirect("engagement:department", me.department_id)


def _department_context(request, access: _Access, **forms):
    me = roles_of(request.user).employee
    department = access.department
    context = {
        "department": department,
        "ambassadors": access.ambassadors,
        "leads": access.leads,
        "member": access.member,
        "is_ambassador": access.is_ambassador,
        "moments": sel.department_moments(department),
        "need_form": forms.get("need_form") or NeedForm(),
        "nominate_form": forms.get("nominate_form") or NominateForm(),
        "my_needs": [(n, outcome_text(n.group) if n.group else _("in the inbox")) for n in sel.needs_of(me)]
        if access.member
        else [],
    }
    if access.leads:
        context["period"], context["readings"], context["kept_at"] = sel.department_uptake(department)
        context["inbox"] = sel.inbox(department)
        context["groups"] = [(g, outcome_text(g)) for g in sel.groups_of(department)]
        context["group_form"] = forms.get("group_form") or GroupForm()
    return context


@capability_required("engagement.view")
def department(request, pk):
    context = _department_context(request, _department_access(request, pk))
    return render(request, "engagement/ambassadors/department.html", context)


def _department_invalid(request, access: _Access, **forms):
    context = _department_context(request, access, **forms)
    return render(request, "engagement/ambassadors/department.html", context, status=400)


@require_POST
@capability_required("engagement.view")
def need_drop(request, pk):
    access = _department_access(request, pk)
    if not access.member:
        raise Http404  # the inbox is for the department's own people
    form = NeedForm(request.POST)
    if form.is_valid():
        try:
            services.need_drop(
                author=roles_of(request.user).employee, text=form.cleaned_data["text"], department=access.department
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: your need is in the inbox of the department's ambassador."))
            return redirect("engagement:department", pk)
    return _department_invalid(request, access, need_form=form)


@require_POST
@capability_required("engagement.view")
def nominate(request, pk):
    access = _department_access(request, pk)
    form = NominateForm(request.POST)
    if form.is_valid():
        try:
            services.nomination_create(
                nominee=form.cleaned_data["nominee"],
                by=roles_of(request.user).employee,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: L&D will see your nomination."))
            return redirect("engagement:department", pk)
    return _department_invalid(request, access, nominate_form=form)


@require_POST
@capability_required("engagement.view")
def group_create(request, pk):
    access = _department_access(request, pk)
    if not access.is_ambassador:
        raise Http404
    department = access.department
    need_ids = [n.pk for n in sel.inbox(department)]
    form = GroupForm(request.POST, need_ids=need_ids)
    if form.is_valid():
        try:
            services.need_group(
                department=department,
                title=form.cleaned_data["title"],
                need_ids=form.cleaned_data["needs"],
                by=roles_of(request.user).employee,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The needs are grouped; forward the group to L&D when it is ready."))
            return redirect("engagement:department", pk)
    return _department_invalid(request, access, group_form=form)


@require_POST
@capability_required("engagement.view")
def group_forward(request, pk):
    group = get_object_or_404(NeedGroup, pk=pk)
    try:
        services.group_forward(group=group, by=roles_of(request.user).employee)
    except ValidationError as error:
        if not services.needs.is_ambassador_for(roles_of(request.user).employee, group.department_id):
            raise Http404 from None
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Forwarded to L&D. It counts as your activity."))
    return redirect("engagement:department", group.department_id)


# --- L&D: the forwarded needs --------------------------------------------------------------------


def _items():
    return list(LearningItem.objects.order_by("title").values_list("pk", "title")[:500])


def _needs_context(failed=None):
    items = _items()
    groups = sel.groups_forwarded()
    rows = []
    for g in groups:
        form = failed[1] if failed and failed[0] == g.pk else DecideForm(items=items, prefix=f"g{g.pk}")
        rows.append((g, outcome_text(g), form))
    return {"rows": rows}


@capability_required("engagement.manage")
def needs(request):
    return render(request, "engagement/ambassadors/needs.html", _needs_context())


@require_POST
@capability_required("engagement.manage")
def group_decide(request, pk):
    group = get_object_or_404(NeedGroup, pk=pk)
    form = DecideForm(request.POST, items=_items(), prefix=f"g{group.pk}")
    if form.is_valid():
        data = form.cleaned_data
        item = LearningItem.objects.filter(pk=data["item"]).first() if data["item"] else None
        try:
            services.group_decide(
                group=group, by=roles_of(request.user).employee, outcome=data["outcome"], item=item, note=data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Recorded; the colleagues and the ambassador have been told."))
            return redirect("engagement:needs")
    return render(request, "engagement/ambassadors/needs.html", _needs_context((group.pk, form)), status=400)
