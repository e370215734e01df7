"""The comms pages in Chromium, audited with axe-core (WCAG 2.1 AA): no violations."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from comms import rendering
from comms.demo import demo_step
from comms.models import CommunicationPlan, Message

pytestmark = [pytest.mark.browser]
AXE = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def server(transactional_db):
    from pytest_django.live_server_helper import LiveServer

    live = LiveServer("127.0.0.1:8105")  # the port given to this app's engineer
    yield live
    live.stop()


def _audit(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    # Our content and our bell; the shared navigation around them is audited with the base template.
    result = page.evaluate(
        "async () => await axe.run({include: [['main'], ['#comms-bell']]},"
        " {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'], resultTypes: ['violations']})"
    )
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def test_comms_pages_have_no_accessibility_violations(server, chromium_path, personas):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    from playwright.sync_api import sync_playwright

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
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        context = browser.new_context()
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server.url}])
        page = context.new_page()
        for path in pages_hr:
            violations = _audit(page, server.url + path)
            if violations:
                found[path] = violations
        browser.close()
    assert found == {}
