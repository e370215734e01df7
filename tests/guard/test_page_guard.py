"""The page guard: every page each persona reaches on the demo organisation, in Dutch and English,
reads as people should read it (tests/guard/checks.py says what they must never read), and none
answers 500.

The walk is tests/crawl.py's, from the home page, two pages per URL name, so a page added later by
anyone is guarded as soon as a link leads to it. The personas are the demo logins (hr, manager,
employee) plus the access matrix's others on demo people: a colleague in another department
(other_employee) and a manager of another team (outsider_manager).
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import Employee
from tests.access import PERSONAS
from tests.crawl import reachable_pages
from tests.guard.checks import page_defects

pytestmark = pytest.mark.django_db

LANGUAGES = ("nl", "en")
# The heaviest page of the demo (the L&D home, the admin's lists) stays under this.
MAX_QUERIES_PER_PAGE = 60


def _user_for(employee, username):
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"email": employee.email})
    Employee.objects.filter(pk=employee.pk).update(user=user)
    return user


def demo_user(persona: str):
    """The demo's person for each of the access matrix's personas (None for anonymous)."""
    users = get_user_model().objects
    if persona == "anonymous":
        return None
    if persona in ("hr", "manager", "employee"):
        return users.get(username=persona)
    demo_manager = Employee.objects.get(user__username="manager")
    if persona == "other_employee":
        colleague = (
            Employee.objects.filter(active=True, user=None, reports__isnull=True, manager__isnull=False)
            .exclude(department=demo_manager.department)
            .order_by("pk")
            .first()
        )
        return _user_for(colleague, persona)
    if persona == "outsider_manager":
        other = (
            Employee.objects.filter(active=True, user=None, reports__active=True)
            .exclude(pk=demo_manager.manager_id)
            .exclude(department=demo_manager.department)
            .order_by("-pk")
            .first()
        )
        return _user_for(other, persona)
    raise AssertionError(f"no demo person for the persona {persona!r}: add one here")


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())


def walk(client, language):
    """Every reachable page with its HTML and query count (a page is fetched once)."""
    pages = []
    original_get = client.get

    def get(url, *args, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            response = original_get(url, *args, **kwargs)
        pages.append((url, response, len(queries)))
        return response

    client.get = get
    try:
        found = reachable_pages(client, language=language, per_name=2)
    finally:
        client.get = original_get
    return found, pages


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_reachable_page_reads_well(demo, client, persona, language):
    user = demo_user(persona)
    if user is not None:
        client.force_login(user)
    found, fetched = walk(client, language)
    assert found, "the walk found no page"
    problems = []
    for url, response, queries in fetched:
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        if queries > MAX_QUERIES_PER_PAGE:
            problems.append(f"{url}: {queries} queries")
        content_type = response.get("Content-Type", "").split(";")[0]
        if response.status_code != 200 or content_type != "text/html" or response.streaming:
            continue
        assert response.headers.get("Content-Language") == language, url
        problems += [f"{url}: {finding}" for finding in page_defects(response.content.decode(), language)]
    assert problems == [], f"{persona} in {language}, {len(found)} pages:\n" + "\n".join(problems)
