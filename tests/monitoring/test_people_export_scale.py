"""Monitoring's people downloads read everyone in one statement through a chunked cursor: the same
number of queries for a team of four and for one of 1,200 (the pages of 500 cost two queries each
before), every person once, in name order, with their own figures."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Enrolment, Status
from tests.bigteam import grow_team
from tests.catalog.factories import ItemFactory
from tests.exports import body

pytestmark = pytest.mark.django_db
URL = "/monitoring/team/?export=csv&table=people"


def _rows(client):
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
        content = body(response)
    assert response.status_code == 200
    assert response.streaming
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")))), len(queries)


def test_team_people_export_holds_its_query_count_for_1200_people(personas, client_for, time_machine):
    time_machine.move_to("2026-06-15 10:00")
    client = client_for(personas.manager)
    small_rows, small = _rows(client)
    grown = grow_team(personas.manager, 1200)
    item = ItemFactory()
    Enrolment.objects.bulk_create(
        [Enrolment(employee=e, item=item, status=Status.STARTED, started_at=timezone.now()) for e in grown[::3]]
    )
    rows, large = _rows(client)
    assert large == small, (small, large)
    assert len(rows) == len(small_rows) + 1200
    names = [r[0] for r in rows[1:]]
    assert len(set(names)) == len(names)
    assert names.index(grown[0].full_name) < names.index(grown[1].full_name)  # by last name, first name
    began = {r[0]: r[3] for r in rows[1:]}
    assert began[grown[0].full_name] == "1"
    assert began[grown[1].full_name] == "0"
