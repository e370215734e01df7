"""The survey pages in Chromium, audited whole with axe-core (WCAG 2.1 AA), on a phone-sized
screen for the answer page; answering a survey with the keyboard-free mouse path works end to end."""

import pytest
from django.urls import reverse

from people.audience import Audience
from tests.conftest import axe_violations, session_cookie, violation_summary

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_survey_pages_have_no_axe_violations_and_answering_works(browser, live_server, personas):
    from surveys.models import Response
    from surveys.services import survey_close, survey_open
    from tests.factories import EmployeeFactory
    from tests.surveys.helpers import answer, survey_with_all_kinds

    department = personas.employee.department
    others = [EmployeeFactory(department=department) for _ in range(5)]
    survey = survey_open(
        survey=survey_with_all_kinds(audience=Audience.of("department", department=department), min_group_comments=5)
    )
    for person in others:
        answer(survey, person)
    done = survey_with_all_kinds(title="Closed one", audience=Audience.of("department", department=department))
    done = survey_open(survey=done)
    for person in others:
        answer(done, person)
    survey_close(survey=done)
    token = survey.invitations.get(employee=personas.employee).token
    pages = [
        (personas.employee, reverse("surveys:mine")),
        (personas.employee, reverse("surveys:answer", args=[token])),
        (personas.hr, reverse("surveys:manage")),
        (personas.hr, reverse("surveys:create")),
        (personas.hr, reverse("surveys:detail", args=[survey.pk])),
        (personas.hr, reverse("surveys:results", args=[done.pk]) + "?by=job_group"),
    ]
    pages = [(session_cookie(person.user, live_server.url), path) for person, path in pages]
    found = {}
    for cookie, path in pages:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.add_cookies([cookie])
        page = context.new_page()
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        violations = violation_summary(axe_violations(page))
        if violations:
            found[path] = violations
        if "/answer/" in path:
            page.get_by_label("4 · Agree").check()
            page.get_by_label("Green").first.check()
            page.get_by_label("Red").nth(1).check()
            page.get_by_label("9", exact=True).check()
            page.locator("input[type=number]").fill("6")
            page.get_by_role("button", name="Send my answers").click()
            page.get_by_text("have been received").wait_for()
        context.close()
    assert found == {}
    assert Response.objects.filter(survey=survey).count() == 6
