"""AheadPaginator (issue 21): counts at most a few pages past the page asked for, says when there is
more, and shows the last page when asked past the end, as Django's Paginator does."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.models import Employee
from people.paging import AheadPaginator
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    EmployeeFactory.create_batch(7)
    return Employee.objects.order_by("pk")


def _page(people, number, *, per_page=2, ahead=2):
    paginator = AheadPaginator(people, per_page, ahead=ahead)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.get_page(number)
        rows = list(page.object_list)
    return paginator, page, rows, queries


def test_the_first_page_counts_only_the_pages_ahead(people):
    paginator, page, rows, queries = _page(people, 1)
    assert (paginator.count, paginator.num_pages, paginator.more_beyond) == (5, 3, True)  # at least 3 pages
    assert page.has_next()
    assert not page.has_previous()
    assert [e.pk for e in rows] == list(people.values_list("pk", flat=True)[:2])
    assert len(queries) == 2
    assert "LIMIT 5" in queries[0]["sql"]  # two pages of two, and one row to tell there is more


def test_a_later_page_counts_from_where_it_is(people):
    paginator, page, rows, _queries = _page(people, 3)
    assert (paginator.count, paginator.num_pages, paginator.more_beyond) == (7, 4, False)
    assert [e.pk for e in rows] == list(people.values_list("pk", flat=True)[4:6])
    assert page.has_next()
    assert page.has_previous()


def test_past_the_end_shows_the_last_page_and_bad_numbers_the_first(people):
    reference = Paginator(people, 2)
    for asked in (99, "abc", None, "-3", 0):
        _paginator, page, rows, _queries = _page(people, asked)
        expected = reference.get_page(asked if asked not in ("-3", 0) else 1)
        assert page.number == expected.number, asked
        assert [e.pk for e in rows] == [e.pk for e in expected.object_list], asked


def test_it_agrees_with_djangos_paginator_when_the_list_is_short(people):
    for number in range(1, 5):
        paginator, _page_shown, rows, _queries = _page(people, number, ahead=10)
        reference = Paginator(people, 2)
        expected = reference.get_page(number)
        assert (paginator.count, paginator.num_pages, paginator.more_beyond) == (7, 4, False)
        assert [e.pk for e in rows] == [e.pk for e in expected.object_list]


def test_an_empty_list_has_one_empty_page():
    paginator, _page_shown, rows, _queries = _page(Employee.objects.none(), 1)
    assert (paginator.count, paginator.num_pages, rows) == (0, 1, [])
