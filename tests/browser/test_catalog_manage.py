"""L&D staff manage the offer in a real browser: add an item, give it a session in place (htmx),
make it mandatory, set a job group's skills and the threshold. Every page passes the axe-core audit."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalog.models import CatalogSettings, JobGroupSkill, LearningItem, MandatoryRule

pytestmark = [pytest.mark.browser]


def test_ld_staff_add_an_item_with_a_session(journey, personas):
    journey.login("hr")
    item = _add_an_item(journey)
    _add_and_edit_a_session(journey, item)
    _make_it_mandatory(journey, item)
    _set_a_job_groups_skills(journey, personas.employee.job_group_id)
    _set_the_threshold(journey)
    journey.goto("/catalog/diversity/")
    journey.audit("diversity-with-links")


def _add_an_item(journey):
    page = journey.page
    journey.goto("/")
    page.get_by_role("button", name="Manage").click()
    page.get_by_role("link", name="Manage the offer").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage the offer")
    journey.audit("manage-items")

    page.get_by_role("link", name="Add an item").click()
    page.wait_for_load_state()
    journey.audit("item-new")
    # Submitting without a level is refused with a message at the field.
    page.get_by_label("Title").fill("Heftruck veilig")
    page.get_by_label("Format").select_option("classroom")
    page.get_by_label("Duration (hours)").fill("8")
    page.get_by_role("button", name="Add the item").click()
    page.wait_for_load_state()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert LearningItem.objects.count() == 0
    journey.audit("item-new-errors")

    page.get_by_label("Basic").check()
    page.get_by_label("Secondary").check()
    page.get_by_label("Cost (EUR)").fill("195")
    page.get_by_label("Skills").fill("Safe working, Logistics")
    page.get_by_label("Online or on site").select_option("on_site")
    page.get_by_label("Provider", exact=True).fill("LeerLab")
    page.get_by_role("button", name="Add the item").click()
    page.wait_for_load_state()
    item = LearningItem.objects.get()
    assert item.levels == ["basic", "secondary"]
    assert sorted(s.name for s in item.skills.all()) == ["Logistics", "Safe working"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessions of Heftruck veilig")
    journey.audit("sessions")
    return item


def _add_and_edit_a_session(journey, item):
    page = journey.page
    start = timezone.localtime(timezone.now() + timedelta(days=14)).replace(hour=9, minute=0)
    page.get_by_label("Starts at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends at").fill((start + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Place").fill("Venlo")
    page.get_by_label("Seats").fill("12")
    page.get_by_role("button", name="Add the session").click()
    row = page.locator("#session-rows tr")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text("Venlo")
    session = item.sessions.get()
    assert (session.seats, session.place) == (12, "Venlo")
    journey.audit("sessions-added")

    # Edit the seats in the row.
    row.first.get_by_role("link", name="Edit").click()
    seats = page.locator(f"#id_session_{session.pk}_seats")
    expect(seats).to_be_visible()
    journey.audit("session-edit-row")
    seats.fill("20")
    page.locator(f"#session-{session.pk}").get_by_role("button", name="Save").click()
    expect(page.locator(f"#session-{session.pk}").get_by_role("status")).to_have_text("Saved.")
    session.refresh_from_db()
    assert session.seats == 20


def _make_it_mandatory(journey, item):
    page = journey.page
    journey.goto(f"/catalog/manage/items/{item.pk}/")
    journey.audit("item-edit")
    page.get_by_role("link", name="Make it mandatory").click()
    page.wait_for_load_state()
    journey.audit("rule-new")
    page.get_by_label("Due within (days)").fill("60")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    rule = MandatoryRule.objects.get()
    assert (rule.item_id, rule.audience_kind, rule.due_days) == (item.pk, "everyone", 60)
    journey.audit("rules")
    journey.goto(f"/catalog/manage/rules/{rule.pk}/")
    journey.audit("rule-edit")


def _set_a_job_groups_skills(journey, job_group_id):
    page = journey.page
    journey.goto("/catalog/manage/job-groups/")
    journey.audit("job-groups")
    journey.goto(f"/catalog/manage/job-groups/{job_group_id}/")
    journey.audit("job-group-skills")
    page.get_by_label("Skills this job group needs").fill("Safe working, Customer contact")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert JobGroupSkill.objects.filter(job_group_id=job_group_id).count() == 2


def _set_the_threshold(journey):
    page = journey.page
    journey.goto("/catalog/manage/settings/")
    journey.audit("threshold")
    page.get_by_label("Automatic approval below (EUR)").fill("80")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert str(CatalogSettings.current().approval_threshold) == "80.00"
