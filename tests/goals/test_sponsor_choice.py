"""The sponsor of a goal or programme is found, not picked from a drop-down of every manager (issue
21): the forms read only the chosen sponsor, so they cost the same at any size; the search
`goals:sponsor_search` answers at most 20 sponsor candidates, by name, to whoever may propose a
goal; the field alone decides what may be saved."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.models import Goal
from people.forms import EMPLOYEE_CHOICE_LIMIT
from tests.adoption.helpers import programme
from tests.bigteam import grow_team
from tests.goals.helpers import draft

pytestmark = pytest.mark.django_db


def _page(client, url):
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


def _url(personas, page):
    if page in ("adoption:edit", "adoption:extend"):
        return reverse(page, args=[programme(personas).pk])
    if page == "goals:edit":
        return reverse(page, args=[draft(personas).pk])
    return reverse(page)


@pytest.mark.parametrize(
    ("persona", "page"),
    [
        ("hr", "goals:create"),
        ("manager", "goals:create"),
        ("hr", "goals:edit"),
        ("hr", "adoption:create"),
        ("hr", "adoption:edit"),
        ("hr", "adoption:extend"),
    ],
)
def test_the_form_neither_lists_nor_reads_every_sponsor_as_the_organisation_grows(client_for, personas, persona, page):
    client = client_for(getattr(personas, persona))
    url = _url(personas, page)
    small_html, small_queries = _page(client, url)
    grow_team(personas.outsider_manager, 300, leads=60)  # 60 more managers, each a sponsor candidate
    large_html, large_queries = _page(client, url)
    assert large_queries == small_queries
    assert large_html.count("<option") == small_html.count("<option")
    assert len(large_html) == len(small_html)
    assert "Big000059" not in large_html
    assert re.search(r'<label\s+for="id_sponsor"', large_html)
    assert re.search(r'<input type="search" name="sponsor_search" id="id_sponsor"', large_html)
    assert reverse("goals:sponsor_search") in large_html


def test_the_chosen_sponsor_is_shown_again(client_for, personas):
    client = client_for(personas.hr)
    html = client.get(reverse("goals:edit", args=[draft(personas).pk])).content.decode()
    assert re.search(
        rf'name="sponsor" id="id_sponsor_{personas.manager.pk}" value="{personas.manager.pk}" checked', html
    )
    # ... and after a refused form, with what was chosen.
    response = client.post(reverse("goals:create"), {"title": "", "sponsor": personas.outsider_manager.pk, "save": "1"})
    assert response.status_code == 400
    assert f'value="{personas.outsider_manager.pk}" checked' in response.content.decode()


def _post(client, personas, **sponsor):
    from tests.goals.access_table import _proposal

    data = {k: v for k, v in _proposal(personas).items() if k != "sponsor"}
    return client.post(reverse("goals:create"), {**data, **sponsor})


def test_only_a_sponsor_candidate_is_saved_and_a_forged_one_is_a_form_error(client_for, personas):
    client = client_for(personas.hr)
    for forged in (personas.employee.pk, 987654, "1 OR 1=1", personas.hr.pk):  # no manager, nobody, junk, the owner
        response = _post(client, personas, sponsor=forged)
        assert response.status_code == 400, forged
        assert "sponsor" in response.context["form"].errors
    assert not Goal.objects.exists()
    # Without JavaScript: no radio chosen, the search box holds the sponsor's exact e-mail address.
    assert _post(client, personas, sponsor_search=personas.team_lead.email.upper()).status_code == 302
    assert Goal.objects.get().sponsor == personas.team_lead


def _search(client, q, **extra):
    return client.get(
        reverse("goals:sponsor_search"), {"sponsor_search": q, "name": "sponsor", "id": "id_sponsor", **extra}
    )


def test_the_search_finds_sponsor_candidates_only_by_name_for_those_who_propose(client_for, personas):
    manager = client_for(personas.manager)
    html = _search(manager, personas.outsider_manager.last_name).content.decode()
    assert personas.outsider_manager.full_name in html  # another team's manager: a sponsor candidate
    assert personas.outsider_manager.email not in html  # by name only
    assert personas.other_employee.full_name not in _search(manager, personas.other_employee.last_name).content.decode()
    assert _search(client_for(personas.employee), "a").status_code == 403
    assert _search(client_for(None), "a").status_code == 302
    assert _search(manager, "a", name='x" onmouseover="').status_code == 400


def test_the_search_answers_at_most_20_in_constant_queries(client_for, personas):
    client = client_for(personas.hr)
    grow_team(personas.outsider_manager, 60, leads=30)
    _search(client, "Big")
    with CaptureQueriesContext(connection) as small:
        _search(client, "Big", sponsor=personas.manager.pk)
    grow_team(personas.outsider_manager, 600, leads=300)
    with CaptureQueriesContext(connection) as large:
        response = _search(client, "Big", sponsor=personas.manager.pk)
    html = response.content.decode()
    assert len(large) == len(small)
    assert html.count('type="radio"') == EMPLOYEE_CHOICE_LIMIT + 1  # the chosen one and 20 found
    assert f'value="{personas.manager.pk}" checked' in html
