"""Ambassadors are named where colleagues look (issue 19): on the employee's home (engagement's
panel, one query) and on the catalog's front page (people.registry's optional AMBASSADORS_FOR
port: nothing shown without engagement); an open invitation shows on the invited person's home."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagement.panels import ambassadors_panel
from engagement.services import ambassador_accept, ambassador_invite
from people.access import roles_of
from people.registry import AMBASSADORS_FOR, registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def ambassador(personas):
    row = ambassador_invite(employee=personas.manager, by=personas.hr)
    ambassador_accept(ambassadorship=row, employee=personas.manager)
    return personas.manager


def test_the_home_names_the_departments_ambassador_and_the_invitation(personas, ambassador, client):
    ambassador_invite(employee=personas.team_lead, by=personas.hr)
    client.force_login(personas.team_lead.user)
    html = client.get(reverse("home")).content.decode()
    assert "Whom to ask about learning" in html
    assert f"{ambassador.full_name}</strong>" in html
    assert "You are invited to be ambassador for Customer Service" in html
    client.force_login(personas.other_employee.user)  # Finance has no ambassador
    html = client.get(reverse("home")).content.decode()
    assert ambassador.full_name not in html
    assert "Whom to ask about learning" not in html


def test_the_home_panel_reads_one_query(personas, ambassador, rf):
    request = rf.get("/")
    request.user = personas.employee.user
    roles = roles_of(personas.employee.user)
    with CaptureQueriesContext(connection) as ctx:
        context = ambassadors_panel(request, roles)
    assert len(ctx.captured_queries) == 1
    assert [a.employee for a in context["ambassadors"]] == [ambassador]
    assert context["invitation"] is None


def test_the_catalog_names_the_ambassador_and_nothing_without_engagement(personas, ambassador, client, monkeypatch):
    client.force_login(personas.employee.user)
    html = client.get(reverse("catalog:home")).content.decode()
    assert "Questions about learning? Ask your ambassador:" in html
    assert f"<strong>{ambassador.full_name}</strong> (Customer Service)" in html
    monkeypatch.delitem(registry.providers, AMBASSADORS_FOR.name)
    html = client.get(reverse("catalog:home")).content.decode()
    assert "Questions about learning?" not in html
