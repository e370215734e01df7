"""The audience field in a real browser: choosing a kind shows the parts it needs, the number of
people it reaches follows every change (htmx, focus kept), the page passes axe-core and fits a
390 px phone, and the rule is saved with the audience chosen."""

import pytest
from playwright.sync_api import expect

from catalog.models import MandatoryRule
from people.audience import Audience, AudienceKind
from tests.catalog.factories import ItemFactory

pytestmark = [pytest.mark.browser]


def test_ld_staff_choose_an_audience_and_see_whom_it_reaches(journey, personas, org):
    item = ItemFactory(title="Customer care basics")
    page = journey.page
    journey.login("hr")
    journey.goto(f"/catalog/manage/rules/new/?item={item.pk}")
    reach = page.locator("#id_audience_reach")
    expect(reach).to_have_text("Reaches 7 people now.")  # everyone, the default
    expect(page.get_by_label("Department", exact=True)).to_have_count(0)
    journey.audit("audience-everyone")

    page.get_by_label("Who", exact=True).focus()
    page.get_by_label("Who", exact=True).select_option("department")
    department = page.get_by_label("Department", exact=True)
    expect(department).to_be_visible()
    expect(reach).to_have_text("Choose the rest to see how many people it reaches.")
    assert page.evaluate("document.activeElement.id") == "id_audience_0"  # focus stays where it was
    journey.audit("audience-department")

    department.focus()
    department.select_option(label="\u2003Customer Service")
    expect(reach).to_have_text("Reaches 4 people now.")
    assert page.evaluate("document.activeElement.id") == "id_audience_1"

    page.get_by_label("Who", exact=True).select_option("department_job_group")
    expect(page.get_by_label("Job group", exact=True)).to_be_visible()
    page.get_by_label("Job group", exact=True).select_option(label="Agents")
    expect(reach).to_have_text("Reaches 2 people now.")  # Zoë and the indirect report
    journey.audit("audience-department-job-group")

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Due within (days)").fill("30")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    rule = MandatoryRule.objects.get()
    assert rule.audience == Audience.of(
        AudienceKind.DEPARTMENT_JOB_GROUP, department=org["service"], job_group=org["agents"]
    )
    expect(
        page.get_by_role("cell", name="Customer Service and its sub-departments · Agents", exact=True)
    ).to_be_visible()
    journey.audit("rules-with-audience")

    # A team: the manager is found by a search among the managers (not a list of every manager);
    # without one, the form says what is missing.
    journey.goto(f"/catalog/manage/rules/{rule.pk}/")
    page.get_by_label("Who", exact=True).select_option("team")
    manager = page.get_by_label("Manager", exact=True)
    expect(manager).to_be_visible()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Choose the manager whose team it is.")).to_be_visible()
    journey.audit("audience-team-error")
    page.get_by_label("Manager", exact=True).fill(personas.manager.last_name)
    found = page.get_by_role("radio", name=personas.manager.full_name)
    expect(found).to_be_visible()
    found.check()
    expect(reach).to_have_text("Reaches 3 people now.")  # Zoë, the team lead and the indirect report
    expect(page.get_by_role("radio", name=personas.manager.full_name)).to_be_checked()  # kept after the fetch
    journey.audit("audience-team")
