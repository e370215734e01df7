"""The comms pages in Chromium, audited with axe-core (WCAG 2.1 AA): no violations."""

import pytest
from django.test import Client
from django.urls import reverse

from comms import rendering
from comms.demo import demo_step
from comms.models import CommunicationPlan, Message
from tests.conftest import axe_violations, violation_summary

pytestmark = [pytest.mark.browser]


def _audit(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return violation_summary(axe_violations(page))


def test_comms_pages_have_no_accessibility_violations(browser, live_server, personas):

    demo_step()
    plan = CommunicationPlan.objects.get()
    message = Message.objects.filter(plan=plan).first()
    pages_hr = [
        reverse("comms:plans"),
        reverse("comms:plan_detail", args=[plan.pk]),
        reverse("comms:plan_edit", args=[plan.pk]),
        reverse("comms:message_edit", args=[plan.pk, message.pk]),
        reverse("comms:message_preview", args=[message.pk]),
        reverse("comms:plan_timeline", args=[plan.pk]),
        reverse("comms:plan_reach", args=[plan.pk]),
        reverse("comms:coverage"),
        reverse("comms:notifications"),
        reverse("comms:preferences"),
        reverse("comms:unsubscribe", args=[rendering.unsubscribe_token(personas.hr.pk, "plan")]),
    ]
    client = Client()
    client.force_login(personas.hr.user)
    found = {}
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    for path in pages_hr:
        violations = _audit(page, live_server.url + path)
        if violations:
            found[path] = violations
    context.close()
    assert found == {}
