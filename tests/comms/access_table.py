"""Who may open the comms pages. Links in e-mails work without login (the signature decides)."""

from django.core import signing

from comms import rendering
from tests.access import Row, only_hr, same


def _in_app_of(person):
    from comms import services

    message = services.system_message_upsert(key="access-table", subject="S", body="B")
    services.message_send(message=message, employee_ids=[person.pk])
    return message.deliveries.get(employee=person, channel="in_app").pk


def _token(salt, value):
    return signing.Signer(salt=salt).sign(str(value))


inbox = same(200, anonymous=302, hr=200)
ROWS = [
    Row("comms:notifications", inbox),
    Row("comms:bell", inbox),
    Row("comms:preferences", inbox),
    Row(
        "comms:notification_read",
        method="post",
        kwargs=lambda p: {"pk": _in_app_of(p.employee)},
        # someone else's notification is simply not theirs: nothing changes, they go back to their list
        expect=same(302),
    ),
    Row("comms:notifications_read_all", same(302), method="post"),
    Row("comms:open", same(200), kwargs=lambda p: {"token": _token(rendering.OPEN_SALT, 1)}),
    Row("comms:click", same(404), kwargs=lambda p: {"token": "forged:token"}),
    Row("comms:unsubscribe", same(400), kwargs=lambda p: {"token": "forged:token"}),
    Row(
        "comms:unsubscribe",
        same(200),
        kwargs=lambda p: {"token": rendering.unsubscribe_token(p.employee.pk, "plan")},
    ),
]


def _plan(p):
    from comms.models import CommunicationPlan

    return CommunicationPlan.objects.get_or_create(name="Access plan")[0]


def _message(p):
    from comms.models import Message

    return Message.objects.get_or_create(plan=_plan(p), subject="Access message")[0]


ROWS += [
    Row("comms:plans", only_hr()),
    Row("comms:plan_create", only_hr()),
    Row("comms:coverage", only_hr()),
    Row("comms:plan_detail", only_hr(), kwargs=lambda p: {"pk": _plan(p).pk}),
    Row("comms:plan_edit", only_hr(), kwargs=lambda p: {"pk": _plan(p).pk}),
    Row("comms:plan_timeline", only_hr(), kwargs=lambda p: {"pk": _plan(p).pk}),
    Row("comms:plan_reach", only_hr(), kwargs=lambda p: {"pk": _plan(p).pk}),
    # the access message misses W's: activation is refused, and the page says why
    Row("comms:plan_activate", only_hr(denied=403) | {"hr": 302}, method="post", kwargs=lambda p: {"pk": _plan(p).pk}),
    Row("comms:plan_deactivate", only_hr() | {"hr": 302}, method="post", kwargs=lambda p: {"pk": _plan(p).pk}),
    Row("comms:message_create", only_hr(), kwargs=lambda p: {"plan_pk": _plan(p).pk}),
    Row("comms:message_edit", only_hr(), kwargs=lambda p: {"plan_pk": _plan(p).pk, "pk": _message(p).pk}),
    Row("comms:message_preview", only_hr(), kwargs=lambda p: {"pk": _message(p).pk}),
    Row("comms:message_test_send", only_hr() | {"hr": 302}, method="post", kwargs=lambda p: {"pk": _message(p).pk}),
    Row("comms:message_reach", only_hr(), kwargs=lambda p: {"pk": _message(p).pk}),
]

ROWS += [
    Row("api:notifications", same(200, anonymous=401)),
    Row("api:notifications_read", same(200, anonymous=401), method="post", json=True, data={}),
]
