"""Comms pages: notifications and the bell, preferences, the tracking and unsubscribe links, and
(for L&D staff) communication plans."""

import base64
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from people.access import capability_required, roles_of
from people.audience import employees_in
from people.forms import add_service_errors
from people.models import Employee
from people.origin import initial_from, tell_created

from . import rendering, selectors, services
from .forms import MessageForm, PlanForm, PreferencesForm, PreviewForm
from .models import Channel, CommunicationPlan, Delivery, Message

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


# --- in-app ----------------------------------------------------------------------------------------


@capability_required("comms.inbox")
def notifications(request):
    employee = roles_of(request.user).employee
    page = Paginator(selectors.notifications_of(employee=employee), 25).get_page(request.GET.get("page"))
    page.object_list = rendering.render_for(employee, page.object_list)
    return render(
        request,
        "comms/notification_list.html",
        {"page": page, "unread": selectors.unread_count(employee=employee)},
    )


@never_cache
@capability_required("comms.inbox")
def bell(request):
    count = selectors.unread_count(employee=roles_of(request.user).employee)
    return render(request, "comms/partials/bell_count.html", {"unread": count})


@require_POST
@capability_required("comms.inbox")
def notification_read(request, pk):
    employee = roles_of(request.user).employee
    services.notification_mark_read(employee=employee, delivery_id=pk)
    if request.htmx:
        delivery = selectors.notifications_of(employee=employee).filter(pk=pk).first()
        if delivery is None:
            raise Http404
        rendering.render_for(employee, [delivery])
        response = render(request, "comms/partials/notification.html", {"d": delivery})
        response["HX-Trigger"] = "comms-read"
        return response
    return redirect("comms:notifications")


@require_POST
@capability_required("comms.inbox")
def notifications_read_all(request):
    count = services.notification_mark_read(employee=roles_of(request.user).employee)
    messages.success(request, _("%(count)s notifications marked read.") % {"count": count})
    return redirect("comms:notifications")


@capability_required("comms.inbox")
def preferences(request):
    employee = roles_of(request.user).employee
    form = PreferencesForm(request.POST or None, employee=employee)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(employee=employee, choices=form.choices())
        messages.success(request, _("Your preferences are saved."))
        return redirect("comms:preferences")
    return render(request, "comms/preferences.html", {"form": form})


# --- links in e-mails (no login: the signature is the authority) ----------------------------------


@never_cache
def open_pixel(request, token):
    delivery_id = rendering.unsign_delivery(token, rendering.OPEN_SALT)
    if delivery_id is not None:
        services.delivery_record_open(delivery_id=delivery_id)
    return HttpResponse(PIXEL, content_type="image/gif")


@never_cache
def click(request, token):
    delivery_id = rendering.unsign_delivery(token, rendering.CLICK_SALT)
    delivery = (
        Delivery.objects.select_related("message", "employee").filter(pk=delivery_id).first()
        if delivery_id is not None
        else None
    )
    if delivery is None or not _still_here(delivery.employee):
        raise Http404  # someone who left: their message's personal link is not rendered for anyone
    services.delivery_record_click(delivery_id=delivery.pk)
    _subject, _body, link = rendering.render_message(delivery.message, delivery.employee)
    # Only the message's own link, and only to our site or http(s): never an open redirect.
    return redirect(rendering.safe_link(link) or "/")


@csrf_exempt  # the one-click unsubscribe POST (RFC 8058) comes from a mail client: the token is the proof
@never_cache
def unsubscribe(request, token):
    parsed = rendering.unsign_unsubscribe(token)
    if parsed is None:
        return render(request, "comms/unsubscribe.html", {"invalid": True}, status=400)
    employee_id, category = parsed
    employee = Employee.objects.filter(pk=employee_id).only("active", "erased_at").first()
    if employee is None or not _still_here(employee):
        # Someone who left (or was erased): the link is revoked, a plain page, nothing about them.
        return render(request, "comms/unsubscribe.html", {"gone": True}, status=410)
    done = False
    if request.method == "POST":
        done = services.unsubscribe(employee_id=employee_id, category=category)
        if not done:
            return render(request, "comms/unsubscribe.html", {"invalid": True}, status=400)
    return render(
        request,
        "comms/unsubscribe.html",
        {"done": done, "category_label": _category_label(category), "channel": Channel.EMAIL.label},
    )


def _still_here(employee) -> bool:
    """The signed links in an e-mail (unsubscribe, click) work for active people only: when someone
    leaves, theirs stop working at once (issue 18), without a table of revoked tokens."""
    return employee.active and employee.erased_at is None


def _category_label(category: str) -> str:
    from .models import Category

    return str(Category(category).label) if category in Category.values else _("all messages")


# --- plans (L&D staff) -------------------------------------------------------------------------------


_form_errors_from = add_service_errors


@capability_required("comms.manage")
def plans(request):
    return render(
        request,
        "comms/plan_list.html",
        {"plans": selectors.plans_with_counts(), "failed": selectors.failed_deliveries(limit=20)},
    )


@capability_required("comms.manage")
def plan_edit(request, pk=None):
    plan = get_object_or_404(CommunicationPlan, pk=pk) if pk else None
    initial = None if plan else initial_from(request.GET, title_field="name")
    form = PlanForm(request.POST or None, instance=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        new = plan is None
        plan = services.plan_save(plan=plan, **form.cleaned_data)
        if new:
            tell_created(request, plan)
        messages.success(request, _("The plan is saved."))
        return redirect("comms:plan_detail", plan.pk)
    return render(request, "comms/plan_edit.html", {"form": form, "plan": plan})


@capability_required("comms.manage")
def plan_detail(request, pk):
    plan = get_object_or_404(CommunicationPlan, pk=pk)
    plan_messages = list(selectors.plan_messages(plan=plan))
    reach = selectors.reach_by_message(plan=plan)
    rows = [(m, m.missing_ws(), reach.get(m.pk, {})) for m in plan_messages]
    return render(
        request,
        "comms/plan_detail.html",
        {
            "plan": plan,
            "rows": rows,
            "incomplete": [r for r in rows if r[1]],
            "w_labels": services.W_LABELS,
            "failed": selectors.failed_deliveries(plan=plan, limit=20),
        },
    )


@require_POST
@capability_required("comms.manage")
def plan_activate(request, pk):
    plan = get_object_or_404(CommunicationPlan, pk=pk)
    try:
        services.plan_activate(plan=plan)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        messages.error(request, _("The plan stays a draft until every message answers all five W's."))
    else:
        messages.success(request, _("The plan is active."))
    return redirect("comms:plan_detail", plan.pk)


@require_POST
@capability_required("comms.manage")
def plan_deactivate(request, pk):
    plan = get_object_or_404(CommunicationPlan, pk=pk)
    services.plan_deactivate(plan=plan)
    messages.success(request, _("The plan is back to draft: nothing more is sent from it."))
    return redirect("comms:plan_detail", plan.pk)


@capability_required("comms.manage")
def message_edit(request, plan_pk, pk=None):
    plan = get_object_or_404(CommunicationPlan, pk=plan_pk)
    message = get_object_or_404(Message, pk=pk, plan=plan, parent=None) if pk else None
    form = MessageForm(request.POST or None, instance=message)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                fields = {f: form.cleaned_data[f] for f in ("audience", *MessageForm.Meta.fields)}
                message = services.plan_message_save(plan=plan, message=message, **fields)
            except ValidationError as exc:
                _form_errors_from(form, exc)
            else:
                messages.success(request, _("The message is saved."))
                return redirect("comms:plan_detail", plan.pk)
        status = 400
    return render(request, "comms/message_edit.html", {"form": form, "plan": plan, "message": message}, status=status)


@capability_required("comms.manage")
def message_preview(request, pk):
    message = get_object_or_404(Message.objects.select_related("plan"), pk=pk)
    audience = employees_in(message.audience).select_related("department")
    form = PreviewForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    matches = audience
    if q:
        matches = matches.filter(Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q))
    matches = list(matches.order_by("last_name", "first_name", "pk")[:20])
    recipient = None
    employee_id = request.GET.get("employee")
    if employee_id and employee_id.isdigit():
        recipient = audience.filter(pk=int(employee_id)).first()
    recipient = recipient or (matches[0] if matches else None)
    rendered = rendering.render_message(message, recipient) if recipient else None
    return render(
        request,
        "comms/message_preview.html",
        {
            "message": message,
            "form": form,
            "matches": matches,
            "recipient": recipient,
            "rendered": rendered,
            "audience_size": audience.count(),
        },
    )


@require_POST
@capability_required("comms.manage")
def message_test_send(request, pk):
    message = get_object_or_404(Message, pk=pk)
    me = roles_of(request.user).employee
    if me is None:
        messages.error(request, _("You need an employee record with an e-mail address to test a message."))
    else:
        services.message_test_send(message=message, employee=me)
        messages.success(request, _("A test was sent to %(email)s.") % {"email": me.email})
    return redirect("comms:message_preview", message.pk)


@capability_required("comms.manage")
def message_reach(request, pk):
    message = get_object_or_404(Message.objects.select_related("plan"), pk=pk, parent=None)
    return render(
        request,
        "comms/reach.html",
        {"subject": message.example_subject, "plan": message.plan, "reach": selectors.message_reach(message=message)},
    )


@capability_required("comms.manage")
def plan_reach(request, pk):
    plan = get_object_or_404(CommunicationPlan, pk=pk)
    return render(
        request, "comms/reach.html", {"subject": plan, "plan": plan, "reach": selectors.plan_reach(plan=plan)}
    )


@capability_required("comms.manage")
def plan_timeline(request, pk):
    plan = get_object_or_404(CommunicationPlan, pk=pk)
    weeks, triggered = selectors.plan_timeline(plan=plan, start=timezone.now() - timedelta(days=14), weeks=14)
    return render(request, "comms/plan_timeline.html", {"plan": plan, "weeks": weeks, "triggered": triggered})


@capability_required("comms.manage")
def coverage(request):
    weeks = 4
    rows = selectors.coverage(start=timezone.now(), weeks=weeks)
    return render(
        request,
        "comms/coverage.html",
        {"rows": rows, "weeks": weeks, "uncovered": sum(1 for r in rows if not r["count"])},
    )
