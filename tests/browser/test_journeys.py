"""A journey per role in a real browser: log in, reach the home page, visit the role's pages,
switch to Dutch and back. Every page visited passes the axe-core audit."""

import re

import pytest

pytestmark = [pytest.mark.browser]


def switch_language(journey, to: str):
    label = {"nl": "Nederlands", "en": "English"}[to]
    journey.page.get_by_role("button", name=label).click()
    journey.page.wait_for_load_state()
    assert journey.page.locator("html").get_attribute("lang") == to


def test_employee_journey(journey, personas):
    journey.login("employee")
    page = journey.page
    assert page.get_by_role("heading", name=re.compile("Welcome, Zoë")).is_visible()
    journey.audit("home")
    page.get_by_role("link", name="My profile").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Zoë de Vries").is_visible()
    journey.audit("profile")
    switch_language(journey, "nl")
    assert page.get_by_role("heading", name="Profiel").is_visible()
    journey.audit("profile-nl")
    journey.goto("/")
    assert page.get_by_role("heading", name=re.compile("Welkom, Zoë")).is_visible()
    journey.audit("home-nl")
    switch_language(journey, "en")
    assert page.get_by_role("heading", name=re.compile("Welcome, Zoë")).is_visible()
    # An employee never reaches the directory.
    response = page.goto(f"{journey.base_url}/people/")
    assert response.status == 403


def test_manager_journey(journey, personas):
    journey.login("manager")
    page = journey.page
    assert page.get_by_role("heading", name="My team").is_visible()
    assert page.get_by_role("link", name="Zoë de Vries").is_visible()
    journey.audit("home")
    page.get_by_role("link", name="Zoë de Vries").click()
    page.wait_for_load_state()
    journey.audit("report-detail")
    journey.goto("/accounts/password/change/")
    journey.audit("password-change")
    switch_language(journey, "nl")
    assert page.get_by_role("heading", name="Wachtwoord wijzigen").is_visible()
    journey.audit("password-change-nl")
    switch_language(journey, "en")


def test_ld_staff_journey(journey, personas):
    journey.login("hr")
    page = journey.page
    assert page.get_by_role("heading", name="The organisation").is_visible()
    journey.audit("home")
    page.get_by_role("link", name="People", exact=True).click()
    page.wait_for_load_state()
    journey.audit("directory")
    page.get_by_label("Search").fill("Nowak")
    page.get_by_label("Search").press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="Łukasz Nowak").is_visible()
    assert page.get_by_text("1 person").is_visible()
    journey.audit("directory-search")
    page.get_by_role("link", name="Łukasz Nowak").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Edit").click()
    page.wait_for_load_state()
    journey.audit("employee-edit")
    page.get_by_label("Manager").select_option(label="Łukasz Nowak")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text("cannot be their own manager").is_visible()
    journey.audit("employee-edit-error")
    switch_language(journey, "nl")
    journey.goto("/people/")
    assert page.get_by_role("heading", name="Medewerkers").is_visible()
    journey.audit("directory-nl")
    switch_language(journey, "en")


def test_anonymous_pages_pass_the_audit(journey, personas):
    journey.goto("/accounts/password/reset/")
    journey.audit("password-reset")
    journey.goto("/accounts/login/")
    switch_language(journey, "nl")
    assert journey.page.get_by_role("heading", name="Inloggen").is_visible()
    journey.audit("login-nl")
