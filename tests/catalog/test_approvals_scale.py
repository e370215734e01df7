"""The approval pages of a large organisation (issue 21): 25 requests a page, oldest first, in the
same number of queries for a manager with 3 reports and with thousands, and however many decided
enrolments lie behind them; PostgreSQL reads them from the partial index on pending requests."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Enrolment, Status
from catalog.selectors import approvals_waiting_for
from catalog.views import APPROVALS_PAGE
from tests.bigteam import grow_team
from tests.catalog.factories import ItemFactory

pytestmark = pytest.mark.django_db


def _requests(people, item, *, pending: int, decided: int) -> None:
    rows = [Enrolment(employee=e, item=item, motivation="x") for e in people[:pending]]
    rows += [
        Enrolment(employee=e, item=item, motivation="x", status=Status.REJECTED)
        for e in people[pending : pending + decided]
    ]
    Enrolment.objects.bulk_create(rows)


def _count(client, url="/catalog/approvals/"):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("persona", ["manager", "hr"])
def test_approvals_keep_their_queries_and_show_a_page_of_25_as_the_organisation_grows(client_for, personas, persona):
    client = client_for(getattr(personas, persona))
    item = ItemFactory()
    direct = grow_team(personas.manager, 3, leads=3)  # direct reports: the manager decides for them
    _requests(direct, item, pending=2, decided=1)
    Enrolment.objects.filter(employee=direct[0]).update(routed_to_ld=True)  # one for each to decide
    small, _html = _count(client)
    many = grow_team(personas.manager, 3000, leads=120)
    heads = many[:120]  # direct reports of the manager
    _requests(heads, item, pending=110, decided=0)
    _requests(many[120:], item, pending=0, decided=2500)
    Enrolment.objects.filter(employee__in=heads[:60]).update(routed_to_ld=True)  # L&D decides these
    large, html = _count(client)
    assert large == small
    assert APPROVALS_PAGE == 25
    assert html.count('<tr id="decision-') == APPROVALS_PAGE
    assert "Page 1 of 3" in html  # 51 for the manager, 61 for L&D
    assert "page=2" in html


def test_the_pending_requests_are_read_from_their_partial_index(require_postgres, personas):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = approvals_waiting_for(personas.hr.user)[:50].query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "enrolment_pending_by_age" in plan, plan


def test_each_rows_links_are_its_own_enrolments(client_for, personas):
    """The table reverses its links once and puts each row's id in: they equal reverse()'s."""
    import re

    from django.urls import reverse

    item = ItemFactory()
    people = grow_team(personas.manager, 12, leads=12)
    _requests(people, item, pending=12, decided=0)
    html = client_for(personas.manager).get("/catalog/approvals/").content.decode()
    shown = [int(pk) for pk in re.findall(r'<tr id="decision-(\d+)">', html)]
    assert len(shown) == 12
    for pk in shown:
        row = html.split(f'<tr id="decision-{pk}">')[1].split("</tr>")[0]
        assert f'href="{reverse("catalog:enrolment_detail", args=[pk])}"' in row
        assert row.count(f'"{reverse("catalog:enrolment_approve", args=[pk])}"') == 2  # formaction, hx-post
        assert row.count(f'"{reverse("catalog:enrolment_reject", args=[pk])}"') == 2


def test_a_backlog_is_counted_a_few_pages_ahead_not_whole(client_for, personas, monkeypatch):
    """A backlog longer than the pages counted ahead says "or more" and its count reads no further
    than those pages; past the last counted page the next pages are counted from there."""
    monkeypatch.setattr("catalog.views.APPROVALS_PAGE", 2)
    monkeypatch.setattr("catalog.views.APPROVALS_AHEAD", 2)
    client = client_for(personas.manager)
    people = grow_team(personas.manager, 7, leads=7)
    _requests(people, ItemFactory(), pending=7, decided=0)
    _queries, html = _count(client)
    assert html.count('<tr id="decision-') == 2
    assert "Page 1 of 3 or more" in html  # two pages counted, and a row beyond them
    with CaptureQueriesContext(connection) as queries:
        client.get("/catalog/approvals/")
    counts = [
        q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and "catalog_enrolment" in q["sql"]
    ]
    assert len(counts) == 1, counts
    assert "LIMIT 5" in counts[0], counts  # two pages of 2, and one to tell there is more
    _queries, html = _count(client, "/catalog/approvals/?page=3")
    assert "Page 3 of 4" in html
    assert "or more" not in html
    assert html.count('<tr id="decision-') == 2
    _queries, html = _count(client, "/catalog/approvals/?page=99")  # past the end: the last page
    assert "Page 4 of 4" in html
    assert html.count('<tr id="decision-') == 1


def test_or_more_is_dutch_too(client_for, personas, monkeypatch):
    from django.conf import settings

    monkeypatch.setattr("catalog.views.APPROVALS_PAGE", 1)
    monkeypatch.setattr("catalog.views.APPROVALS_AHEAD", 1)
    people = grow_team(personas.manager, 3, leads=3)
    _requests(people, ItemFactory(), pending=3, decided=0)
    client = client_for(personas.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    html = client.get("/catalog/approvals/").content.decode()
    assert "Pagina 1 van 2 of meer" in html
