"""Monitoring's pages in Chromium, audited whole with axe-core (WCAG 2.1 AA), with the charts drawn
by Chart.js from static/ beside their tables."""

import pytest
from django.urls import reverse

from tests.catalog.factories import EnrolmentFactory
from tests.conftest import axe_violations, session_cookie, violation_summary

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_monitoring_pages_have_no_axe_violations_and_draw_their_charts(browser, live_server, personas):
    from django.utils import timezone

    from monitoring.reports import month_ends
    from monitoring.services import snapshots_take

    EnrolmentFactory(
        employee=personas.employee, status="completed", started_at=timezone.now(), completed_at=timezone.now()
    )
    for day in month_ends(timezone.localdate())[-3:]:
        snapshots_take(day=day)
    pages = [
        # three breakdowns, the self-chosen share's trend on card 3, participation over time (the
        # other trends have no data here: no policy, messages or budgets)
        (personas.hr, reverse("monitoring:dashboard"), 7),
        (personas.hr, reverse("monitoring:department", args=[personas.employee.department_id]), 2),
        (personas.hr, reverse("monitoring:thresholds"), 0),
        (personas.hr, reverse("home"), 0),
        (personas.manager, reverse("monitoring:team"), 0),
        (personas.manager, reverse("home"), 0),
        (personas.employee, reverse("home"), 0),
    ]
    pages = [(session_cookie(person.user, live_server.url), path, charts) for person, path, charts in pages]
    found = {}
    for cookie, path, charts in pages:
        context = browser.new_context()
        context.add_cookies([cookie])
        page = context.new_page()
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('canvas[data-source]')].filter(c => Chart.getChart(c)).length"
            if charts
            else "() => 0"
        )
        assert drawn == charts, (path, drawn)
        violations = violation_summary(axe_violations(page))
        if violations:
            found[path] = violations
        context.close()
    assert found == {}, found
