"""Comms pages: notifications and the bell, preferences, the tracking and unsubscribe links, and
(for L&D staff) communication plans."""

import base64

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from people.access import capability_required, roles_of

from . import rendering, selectors, services
from .forms import PreferencesForm
from .models import Channel, Delivery

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


# --- in-app ----------------------------------------------------------------------------------------


@capability_required("comms.inbox")
def notifications(request):
    employee = roles_of(request.user).employee
    page = Paginator(selectors.notifications_of(employee=employee), 25).get_page(request.GET.get("page"))
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
    if delivery is None:
        raise Http404
    services.delivery_record_click(delivery_id=delivery.pk)
    _subject, _body, link = rendering.render_message(delivery.message, delivery.employee)
    # Only the message's own link, and only to our site or http(s): never an open redirect.
    if not link.startswith(("/", "http://", "https://")) or link.startswith("//"):
        link = "/"
    return redirect(link)


@csrf_exempt  # the one-click unsubscribe POST (RFC 8058) comes from a mail client: the token is the proof
@never_cache
def unsubscribe(request, token):
    parsed = rendering.unsign_unsubscribe(token)
    if parsed is None:
        return render(request, "comms/unsubscribe.html", {"invalid": True}, status=400)
    employee_id, category = parsed
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


def _category_label(category: str) -> str:
    from .models import Category

    return str(Category(category).label) if category in Category.values else _("all messages")
