"""The engagement pages in Chromium at a phone's width, audited whole with axe-core (WCAG 2.1 AA),
with no console error and no sideways scrolling."""

import pytest
from django.urls import reverse

from engagement.models import ActivityKind
from engagement.services import activity_record, participant_named_set, reward_give
from tests.conftest import axe_violations, session_cookie, violation_summary

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_engagement_pages_have_no_axe_violations_at_phone_width(browser, live_server, personas):
    for n, person in enumerate((personas.employee, personas.team_lead, personas.manager)):
        activity_record(employee_id=person.pk, kind=ActivityKind.COMPLETED, source=f"enrolment:{n}", label="Excel")
    participant_named_set(employee=personas.employee, named=True)
    reward_give(employee=personas.employee, by=personas.hr.user, message="Thanks", badge="Learning pioneer")
    department = personas.employee.department_id
    pages = [
        (personas.employee, reverse("engagement:mine")),
        (personas.employee, reverse("engagement:board")),
        (personas.employee, reverse("engagement:board_scope", args=["department", department])),
        (personas.employee, reverse("people:employee_detail", args=[personas.employee.pk])),
        (personas.hr, reverse("engagement:manage")),
    ]
    found, errors, wide = {}, [], []
    for person, path in pages:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.add_cookies([session_cookie(person.user, live_server.url)])
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        if page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth"):
            wide.append(path)
        violations = violation_summary(axe_violations(page))
        if violations:
            found[path] = violations
        context.close()
    assert found == {}
    assert errors == []
    assert wide == []


@pytest.mark.django_db(transaction=True)
def test_ambassador_pages_have_no_axe_violations_at_phone_width(browser, live_server, personas):
    from engagement.services import (
        ambassador_accept,
        ambassador_invite,
        group_forward,
        need_drop,
        need_group,
        nomination_create,
    )

    ambassador_accept(
        ambassadorship=ambassador_invite(employee=personas.employee, by=personas.hr), employee=personas.employee
    )
    ambassador_invite(employee=personas.team_lead, by=personas.hr)
    nomination_create(nominee=personas.indirect_report, by=personas.manager, reason="Shares every course")
    needs = [need_drop(author=personas.manager, text=t) for t in ("Excel tips", "Calm on the phone", "Writing")]
    group = need_group(
        department=personas.employee.department, title="Calls", need_ids=[needs[1].pk], by=personas.employee
    )
    group_forward(group=group, by=personas.employee)
    department = reverse("engagement:department", args=[personas.employee.department_id])
    pages = [
        (personas.employee, department),  # the ambassador: uptake, inbox, groups
        (personas.manager, department),  # a colleague: the needs form, what became of them, nominating
        (personas.team_lead, reverse("engagement:mine")),  # an invitation to answer
        (personas.manager, reverse("home")),
        (personas.hr, reverse("engagement:ambassadors")),
        (personas.hr, reverse("engagement:needs")),
    ]
    found, errors, wide = {}, [], []
    for person, path in pages:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.add_cookies([session_cookie(person.user, live_server.url)])
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        if page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth"):
            wide.append(path)
        violations = violation_summary(axe_violations(page))
        if violations:
            found[f"{person.user.username} {path}"] = violations
        context.close()
    assert found == {}
    assert errors == []
    assert wide == []
