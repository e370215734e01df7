"""The budget pages in Chromium, audited with axe-core (WCAG 2.1 AA): no violations in our content.

Only `<main>` is audited: the shared navigation in templates/base.html is not this app's."""

from decimal import Decimal

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
def test_budget_pages_have_no_axe_violations(chromium_path, live_server, personas, policy, enrolment):
    from playwright.sync_api import sync_playwright

    from budgets.models import Budget
    from budgets.services import budget_adjust, budget_allocate
    from catalog.signals import enrolment_approving, enrolment_completed

    policy.spend_on = "Courses and conferences that fit your work."
    policy.save()
    budget_allocate()
    enr = enrolment(personas.employee, "240.00", title="Excel gevorderd")
    enrolment_approving.send(sender=None, enrolment=enr, by=None)
    enrolment_completed.send(sender=None, enrolment=enr, amount=Decimal("250.00"))
    budget = Budget.objects.get(employee=personas.employee)
    budget_adjust(budget=budget, amount=Decimal("100"), reason="Pilot programme", by=personas.hr.user)
    pages = [
        (personas.employee, reverse("budgets:mine")),
        (personas.employee, reverse("home")),
        (personas.manager, reverse("budgets:employee", args=[personas.employee.pk])),
        (personas.manager, reverse("budgets:team")),
        (personas.manager, reverse("home")),
        (personas.hr, reverse("budgets:overview") + "?q=vries"),
        (personas.hr, reverse("budgets:adjust", args=[budget.pk])),
        (personas.hr, reverse("budgets:policy_list")),
        (personas.hr, reverse("budgets:policy_create")),
        (personas.hr, reverse("budgets:policy_edit", args=[policy.pk])),
        (personas.hr, reverse("home")),
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
                response = page.goto(live_server.url + path)
                assert response.status == 200, path
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
