"""The goal pages and home panels in Chromium, audited whole with axe-core (WCAG 2.1 AA); the progress
chart is drawn by Chart.js from static/ (no console error, no CSP refusal); a manager's audience
choice in the goal form shows its reach as they choose."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.conftest import axe_violations, session_cookie, violation_summary
from tests.goals.helpers import active, draft, snapshots, submitted

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_goal_pages_have_no_axe_violations_and_draw_the_chart(browser, live_server, personas):
    running = active(personas, title="Running")
    start = running.baseline_on
    snapshots("participation", personas.employee.department, {start - timedelta(days=d): 0 for d in (1, 2)})
    from goals.models import Goal

    Goal.objects.filter(pk=running.pk).update(baseline_on=start - timedelta(days=30))
    snapshots("participation", personas.employee.department, {start - timedelta(days=d): 30 - d for d in (20, 10)})
    waiting = submitted(personas, title="Waiting")
    mine = draft(personas, title="Mine", owner=personas.manager, sponsor=personas.outsider_manager)
    pages = [
        (personas.hr, reverse("goals:list")),
        (personas.hr, reverse("goals:create")),
        (personas.hr, reverse("goals:detail", args=[running.pk])),
        (personas.hr, reverse("goals:sponsors")),
        (personas.manager, reverse("home")),
        (personas.manager, reverse("goals:detail", args=[waiting.pk])),
        (personas.manager, reverse("goals:edit", args=[mine.pk])),
        (personas.employee, reverse("home")),
    ]
    found, errors = {}, []
    for person, path in pages:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.add_cookies([session_cookie(person.user, live_server.url)])
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        if path == reverse("goals:detail", args=[running.pk]):
            page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas'))")
            assert page.evaluate("() => Chart.getChart(document.querySelector('canvas')).data.datasets.length") == 2
        if path == reverse("goals:edit", args=[mine.pk]):  # a manager picks the audience: the reach shows
            page.select_option("select[name=audience_kind]", "job_group")
            page.get_by_text("Choose the rest to see how many people it reaches.").wait_for()
        violations = violation_summary(axe_violations(page))
        if violations:
            found[path] = violations
        context.close()
    assert found == {}
    assert errors == []
