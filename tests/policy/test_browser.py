"""The moment pages in Chromium, audited whole with axe-core (WCAG 2.1 AA): no violations."""

import pytest
from django.urls import reverse

from people.audience import EVERYONE, Audience
from tests.conftest import axe_violations, session_cookie, violation_summary

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_moment_pages_have_no_axe_violations(browser, live_server, personas, org, make_moment):
    from policy.services import policy_create

    moment = make_moment(
        audience=Audience.of("department", department=org["service"]), online_url="https://meet.example.test/x"
    )
    policy_create(audience=EVERYONE, hours_per_fte=40, period="year")
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
    pages = [(session_cookie(person.user, live_server.url), path) for person, path in pages]
    found = {}
    for cookie, path in pages:
        context = browser.new_context()
        context.add_cookies([cookie])
        page = context.new_page()
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        violations = violation_summary(axe_violations(page))
        if violations:
            found[path] = violations
        context.close()
    assert found == {}
