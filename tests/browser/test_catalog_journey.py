"""The learning journey in a real browser: an employee finds and requests a training, the manager
approves it in place, L&D staff read the diversity view. Every page passes the axe-core audit."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.models import CatalogSettings, Enrolment
from tests.catalog.factories import ItemFactory, SkillFactory

pytestmark = [pytest.mark.browser]


@pytest.fixture
def offer(personas):
    settings = CatalogSettings.current()
    settings.approval_threshold = Decimal("100.00")
    settings.save()
    skill = SkillFactory(name="Negotiation")
    items = [
        ItemFactory(
            title="Negotiation masterclass",
            cost=Decimal("450.00"),
            format="classroom",
            level_bachelor=True,
            skills=[skill],
        ),
        ItemFactory(title="Excel in an hour", cost=Decimal("0.00"), format="micro", level_bachelor=True),
        ItemFactory(title="Listening podcast", cost=Decimal("0.00"), format="podcast", level_basic=True),
    ]
    return {"items": items, "skill": skill}


def test_request_approve_and_follow_a_training(journey, personas, offer):
    page = journey.page
    journey.login("employee")
    journey.goto("/catalog/")
    journey.audit("catalog-for-you")
    journey.goto("/catalog/items/")
    journey.audit("catalog-browse")
    page.get_by_role("link", name="Negotiation masterclass").first.click()
    page.wait_for_load_state()
    journey.audit("item-detail")
    page.get_by_label("Why do you want to take this?").fill("I negotiate with carriers every week.")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()
    enrolment = Enrolment.objects.get(employee=personas.employee)
    assert enrolment.status == "requested"
    journey.goto("/catalog/enrolments/")
    journey.audit("my-learning")
    journey.goto("/catalog/external/")
    journey.audit("external-request")
    journey.goto("/catalog/profile/")
    journey.audit("learning-profile")

    journey.page.context.clear_cookies()
    journey.login("manager")
    journey.goto("/catalog/approvals/")
    journey.audit("approvals")
    page.get_by_label("Comment").first.fill("Good plan, go ahead.")
    page.get_by_role("button", name="Approve").first.click()
    expect(page.get_by_role("status").filter(has_text="Approved")).to_be_visible()
    enrolment.refresh_from_db()
    assert enrolment.status == "approved"
    journey.audit("approvals-after")
    journey.goto("/catalog/team/")
    journey.audit("team-learning")


def test_ld_staff_pages(journey, personas, offer):
    journey.login("hr")
    journey.goto("/catalog/diversity/")
    expect(journey.page.get_by_role("heading", level=1)).to_be_visible()
    journey.audit("diversity")
    journey.goto("/catalog/import/")
    journey.audit("import")
