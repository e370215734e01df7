"""The story pages in Chromium at a phone's width, audited whole with axe-core (WCAG 2.1 AA): the
story form (also with its errors shown) and L&D's moderation page; no console error, no sideways
scrolling."""

import pytest
from django.urls import reverse

from catalog.models import Enrolment, Status
from engagement.services import story_publish, story_submit
from tests.catalog.factories import ItemFactory
from tests.conftest import axe_violations, session_cookie, violation_summary

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_story_form_and_moderation_have_no_axe_violations_at_phone_width(browser, live_server, personas):
    for n, writer in enumerate((personas.employee, personas.other_employee)):
        item = ItemFactory(title=f"Calm conversations {n}")
        Enrolment.objects.create(employee=writer, item=item, motivation="x", status=Status.COMPLETED)
        story = story_submit(
            writer=writer, item_id=item.pk, effect="better", text="Callers calm down sooner.", quote_with_name=n == 0
        )
    story_publish(story_id=story.pk, by=personas.hr)
    Enrolment.objects.create(employee=personas.employee, item=ItemFactory(), motivation="x", status=Status.COMPLETED)
    found, errors, wide = {}, [], []

    def audit(person, path, *, submit_empty=False):
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.add_cookies([session_cookie(person.user, live_server.url)])
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        if submit_empty:
            page.click("form[novalidate] button[type=submit]")
            page.wait_for_load_state()
            assert page.locator(".invalid-feedback, .alert-danger").count() >= 1
            path += " (with errors)"
        assert page.locator("h1").count() == 1, path
        if page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth"):
            wide.append(path)
        violations = violation_summary(axe_violations(page))
        if violations:
            found[path] = violations
        context.close()

    audit(personas.employee, reverse("engagement:stories_mine"))
    audit(personas.employee, reverse("engagement:stories_mine"), submit_empty=True)
    audit(personas.hr, reverse("engagement:stories_moderate"))
    assert found == {}
    # The form with errors answers 400 (bad input), which Chromium reports as a failed load; nothing else.
    assert [e for e in errors if "status of 400" not in e] == []
    assert len(errors) <= 1
    assert wide == []
