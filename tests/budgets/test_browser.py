"""The budget pages in Chromium, audited whole with axe-core (WCAG 2.1 AA): no violations."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.conftest import axe_violations, session_cookie, violation_summary

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_budget_pages_have_no_axe_violations(browser, live_server, personas, policy, enrolment):
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
