"""The page people see while PostgreSQL is away, in Chromium, in English and Dutch, audited with
axe-core (WCAG 2.1 AA): the live server's requests reach a port where no database listens."""

import pytest
from django.db import connection

from tests.conftest import session_cookie
from tests.ops.servers import free_port

pytestmark = [pytest.mark.browser]


@pytest.fixture
def signed_in(employee, live_server):
    return session_cookie(employee.user, live_server.url)


@pytest.fixture
def database_away(signed_in, live_server, require_postgres):
    """Every new connection (the live server opens one per request) goes to a dead port."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = free_port()
    yield
    connection.close()
    connection.settings_dict.update(saved)


@pytest.mark.parametrize(("locale", "heading"), [("en-GB", "Back in a moment"), ("nl-NL", "Zo weer terug")])
def test_the_unavailable_page_is_friendly_translated_and_accessible(
    browser, live_server, signed_in, database_away, locale, heading, request
):
    from tests.browser.conftest import Journey

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    context.add_cookies([signed_in])
    page = context.new_page()
    try:
        response = page.goto(f"{live_server.url}/catalog/")
        assert response.status == 503
        assert response.headers["retry-after"] == "30"
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert page.locator("html").get_attribute("lang") == locale[:2]
        Journey(page, live_server.url, request.node.name.replace("/", "_")).audit("unavailable")
    finally:
        context.close()
