"""The adoption pages in Chromium, audited whole with axe-core (WCAG 2.1 AA) on a
phone-sized screen: the L&D home, the list, a programme in its second cycle with figures, review and
carried actions, the forms, extend and the printable report; no console error, no CSP refusal."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from adoption.services import cycle_start, review_hold
from monitoring.models import ScopeKind
from tests.adoption.helpers import running, snap
from tests.conftest import axe_violations, session_cookie, violation_summary

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_adoption_pages_have_no_axe_violations(browser, live_server, personas):
    today = timezone.localdate()
    for day, pilot, org in ((today - timedelta(days=120), 6, 50), (today - timedelta(days=30), 5, 48), (today, 3, 40)):
        snap("no_activity", ScopeKind.DEPARTMENT, personas.employee.department_id, day, pilot, 10)
        snap("no_activity", ScopeKind.ORGANISATION, 0, day, org, 100)
    p = running(personas, days_ago=120, length=90)
    first = p.cycles.get()
    review_hold(
        cycle=first,
        by=personas.hr,
        worked="Lunch talks",
        did_not_work="Posters",
        actions=[{"text": "Ask the agents", "owner": personas.manager, "due_on": today + timedelta(days=5)}],
    )
    second = cycle_start(programme=p, starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=60))
    from tests.goals.helpers import active, submitted

    active(personas, title="Service learns more", sponsor=personas.outsider_manager)
    submitted(personas, title="Service learns in pairs", sponsor=personas.outsider_manager)
    pages = [
        (personas.hr, reverse("home")),
        (personas.hr, reverse("adoption:home")),
        (personas.hr, reverse("adoption:list")),
        (personas.hr, reverse("adoption:detail", args=[p.pk])),
        (personas.hr, reverse("adoption:detail", args=[p.pk]) + "?cycle=1"),
        (personas.hr, reverse("adoption:create")),
        (personas.hr, reverse("adoption:edit", args=[p.pk])),
        (personas.hr, reverse("adoption:cycle_create", args=[p.pk])),
        (personas.hr, reverse("adoption:review", args=[second.pk])),
        (personas.hr, reverse("adoption:extend", args=[p.pk])),
        (personas.hr, reverse("adoption:report", args=[second.pk])),
        (personas.manager, reverse("adoption:detail", args=[p.pk])),
        (personas.outsider_manager, reverse("adoption:report", args=[second.pk])),
        (personas.outsider_manager, reverse("adoption:sponsor")),
        (personas.manager, reverse("adoption:sponsor")),
    ]
    found, errors = {}, []
    for width, height in ((390, 844),):
        for person, path in pages:
            context = browser.new_context(viewport={"width": width, "height": height})
            context.add_cookies([session_cookie(person.user, live_server.url)])
            page = context.new_page()
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            assert page.locator("h1").count() == 1, path
            violations = violation_summary(axe_violations(page))
            if violations:
                found[f"{width}:{path}"] = violations
            context.close()
    assert found == {}
    assert errors == []
