"""The audit log, "my data", a person's data, the erasure confirmation and the privacy page in
Chromium, each audited whole with axe-core (WCAG 2.1 AA), as L&D staff and as an employee."""

import pytest

from tests.conftest import axe_violations, session_cookie, violation_summary

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_privacy_and_audit_pages_have_no_axe_violations(browser, live_server, personas):
    from people.audit import audit_record

    audit_record(
        action="budget.adjusted",
        object_type="budgets.budget",
        object_id=1,
        subject=personas.employee,
        by=personas.hr.user,
        reason="Double booking",
        changes={"amount": "-100.00"},
    )
    found = {}
    cookies = {p.pk: session_cookie(p.user, live_server.url) for p in (personas.hr, personas.employee)}
    for person, paths in (
        (
            personas.hr,
            [
                "/people/audit/",
                "/people/audit/?action=budget.adjusted",
                f"/people/{personas.employee.pk}/data/",
                f"/people/{personas.employee.pk}/erase/",
                f"/people/{personas.employee.pk}/",
            ],
        ),
        (personas.employee, ["/people/me/data/", "/privacy/"]),
    ):
        context = browser.new_context()
        context.add_cookies([cookies[person.pk]])
        page = context.new_page()
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            assert page.locator("h1").count() == 1, path
            violations = violation_summary(axe_violations(page))
            if violations:
                found[path] = violations
        context.close()
    anonymous = browser.new_context().new_page()
    assert anonymous.goto(live_server.url + "/privacy/").status == 200
    violations = violation_summary(axe_violations(anonymous))
    if violations:
        found["/privacy/ (anonymous)"] = violations
    assert found == {}
