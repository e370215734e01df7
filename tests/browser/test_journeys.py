"""A journey per role in a real browser: log in, reach the home page, visit the role's pages,
switch to Dutch and back. Every page visited passes the axe-core audit."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser]


def switch_language(journey, to: str):
    label = {"nl": "Nederlands", "en": "English"}[to]
    journey.page.get_by_role("button", name=label).click()
    journey.page.wait_for_load_state()
    assert journey.page.locator("html").get_attribute("lang") == to


def test_employee_journey(journey, personas):
    journey.login("employee")
    page = journey.page
    expect(page.get_by_role("heading", name=re.compile("Welcome, Zoë"))).to_be_visible()
    journey.audit("home")
    page.get_by_role("button", name="Zoë de Vries").click()
    page.get_by_role("link", name="My profile", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Zoë de Vries")).to_be_visible()
    journey.audit("profile")
    switch_language(journey, "nl")
    expect(page.get_by_role("heading", name="Profiel")).to_be_visible()
    journey.audit("profile-nl")
    journey.goto("/")
    expect(page.get_by_role("heading", name=re.compile("Welkom, Zoë"))).to_be_visible()
    journey.audit("home-nl")
    switch_language(journey, "en")
    expect(page.get_by_role("heading", name=re.compile("Welcome, Zoë"))).to_be_visible()
    # An employee never reaches the directory.
    response = page.goto(f"{journey.base_url}/people/")
    assert response.status == 403


def test_manager_journey(journey, personas):
    journey.login("manager")
    page = journey.page
    expect(page.get_by_role("heading", name="My team")).to_be_visible()
    expect(page.get_by_role("link", name="Zoë de Vries")).to_be_visible()
    journey.audit("home")
    page.get_by_role("link", name="Zoë de Vries").click()
    page.wait_for_load_state()
    journey.audit("report-detail")
    journey.goto("/accounts/password/change/")
    journey.audit("password-change")
    switch_language(journey, "nl")
    expect(page.get_by_role("heading", name="Wachtwoord wijzigen")).to_be_visible()
    journey.audit("password-change-nl")
    switch_language(journey, "en")


def test_ld_staff_journey(journey, personas):
    journey.login("hr")
    page = journey.page
    expect(page.get_by_role("heading", name="The organisation")).to_be_visible()
    journey.audit("home")
    page.get_by_role("button", name="Manage").click()
    page.get_by_role("link", name="People", exact=True).click()
    page.wait_for_load_state()
    journey.audit("directory")
    page.get_by_label("Search").fill("Nowak")
    page.get_by_label("Search").press("Enter")
    expect(page.get_by_role("link", name="Łukasz Nowak")).to_be_visible()
    expect(page.get_by_text("1 person")).to_be_visible()
    journey.audit("directory-search")
    page.get_by_role("link", name="Łukasz Nowak").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Edit").click()
    page.wait_for_load_state()
    journey.audit("employee-edit")
    # The manager is found by typing part of the name (a team of 50,000 is no drop-down), then chosen.
    page.get_by_label("Manager").fill("Nowak")
    page.get_by_role("radio", name=re.compile(r"^Łukasz Nowak")).check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    expect(page.get_by_text("cannot be their own manager")).to_be_visible()
    journey.audit("employee-edit-error")
    switch_language(journey, "nl")
    journey.goto("/people/")
    expect(page.get_by_role("heading", name="Medewerkers")).to_be_visible()
    journey.audit("directory-nl")
    switch_language(journey, "en")


def test_anonymous_pages_pass_the_audit(journey, personas):
    journey.goto("/accounts/password/reset/")
    journey.audit("password-reset")
    journey.goto("/accounts/login/")
    switch_language(journey, "nl")
    expect(journey.page.get_by_role("heading", name="Inloggen")).to_be_visible()
    journey.audit("login-nl")
