"""The moment pages in Chromium, audited with axe-core (WCAG 2.1 AA): no violations in our content.

Only `<main>` is audited: the shared navigation in templates/base.html is not this app's (its link
contrast was reported by axe at the time of writing; left for the base template's owner)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import ROOT

pytestmark = [pytest.mark.browser]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _session_cookie(user, live_server):
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


@pytest.mark.django_db(transaction=True)
def test_moment_pages_have_no_axe_violations(chromium_path, live_server, personas, org, make_moment):
    from playwright.sync_api import sync_playwright

    from policy.services import policy_create

    moment = make_moment(scope_kind="department", department=org["service"], online_url="https://meet.example.test/x")
    policy_create(scope_kind="everyone", hours_per_fte=40, period="year")
    pages = [
        (personas.employee, reverse("policy:my_moments")),
        (personas.employee, reverse("policy:moment_detail", kwargs={"pk": moment.pk})),
        (personas.employee, reverse("home")),
        (personas.manager, reverse("policy:team_hours")),
        (personas.hr, reverse("policy:manage")),
        (personas.hr, reverse("policy:moment_create")),
        (personas.hr, reverse("policy:occurrences", kwargs={"pk": moment.pk})),
        (personas.hr, reverse("policy:policy_create")),
    ]
    # Sessions are made before Playwright starts its event loop (the ORM refuses async contexts).
    pages = [(_session_cookie(person.user, live_server), path) for person, path in pages]
    axe = ROOT / "node_modules/axe-core/axe.min.js"
    found = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        try:
            for cookie, path in pages:
                context = browser.new_context()
                context.add_cookies([cookie])
                page = context.new_page()
                page.goto(live_server.url + path)
                assert page.locator("h1").count() == 1, path
                page.add_script_tag(path=str(axe))
                result = page.evaluate(
                    "async () => await axe.run({include: [['#main']]},"
                    " {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'], resultTypes: ['violations']})"
                )
                violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
                if violations:
                    found[path] = violations
                context.close()
        finally:
            browser.close()
    assert found == {}
