"""No admin form lists the organisation's people as options: a form with a person in it (an owner,
a sponsor, a manager, a host) asks for them through the autocomplete, so its page costs the same
for 30 people and for 50,000 (bench.pages found the programme form at 4.8 s at 50,000 when its
sponsor and manager fields were plain drop-downs)."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.bigteam import grow_team

pytestmark = pytest.mark.django_db

OPTION = re.compile(r"<option\b")


def _add_pages(client) -> dict[str, int]:
    """Each admin add page L&D may open, with the number of options it carries."""
    counts = {}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        response = client.get(url)
        if response.status_code == 200:
            counts[url] = len(OPTION.findall(response.content.decode()))
    return counts


def test_no_admin_form_grows_with_the_organisation(personas, client_for):
    client = client_for(personas.hr)
    before = _add_pages(client)
    assert len(before) > 5  # the forms L&D staff can add through are there to check
    grow_team(personas.manager, 150)
    after = _add_pages(client)
    grown = {url: (before[url], after[url]) for url in before if after[url] != before[url]}
    assert grown == {}, f"admin forms whose options grow with the people (before, after): {grown}"
