"""The bulk sync's two writers (hris.bulkwrite) leave the people table the same: the COPY writer
(PostgreSQL's fast path) and the plain ORM reference, on the same payloads, inserts and updates."""

import pytest
from django.db import connection

from hris import bulkwrite
from hris.sync import hris_sync
from people.models import Employee
from people.validators import CONTROL_CHARACTERS

from .conftest import base_payload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TRICKY = ["back\\slash", "tab\there", "two\nlines", "\\N", 'quote " and, comma', "é \u4e2d"]


def _as_name(text: str) -> str:
    """Names refuse control characters (people.validators): in a name, the escapes as text."""
    return text.encode("unicode_escape").decode() if CONTROL_CHARACTERS.search(text) else text


def _table() -> list[tuple]:
    """Every column but the ids and times (ids come from a sequence, times from the clock); of the
    moment someone left, whether it is set (each writer reads the clock itself)."""
    columns = [f.attname for f in Employee._meta.concrete_fields if f.attname not in ("id", "created_at", "updated_at")]
    rows = Employee.objects.order_by("external_id").values_list(*columns)
    managers = dict(Employee.objects.values_list("pk", "external_id"))
    index, left = columns.index("manager_id"), columns.index("deactivated_at")
    return [
        tuple(
            managers.get(value) if i == index else (value is not None) if i == left else value
            for i, value in enumerate(row)
        )
        for row in rows
    ]


def _run(writer) -> list[list[tuple]]:
    Employee.objects.all().delete()
    payload = base_payload(len(TRICKY))
    for index, (row, text) in enumerate(zip(payload["employees"], TRICKY, strict=True)):
        row["first_name"] = _as_name(text)
        if index and CONTROL_CHARACTERS.search(text):  # the HRIS key carries them (E1 is the manager)
            row["external_id"] += text
    states = []
    hris_sync(payload=payload, writer=writer)
    states.append(_table())
    for row, text in zip(payload["employees"], reversed(TRICKY), strict=True):
        row.update(last_name=_as_name(text), fte=0.5, hired_on=None, active=False)
    hris_sync(payload=payload, writer=writer)
    states.append(_table())
    return states


def test_the_copy_writer_and_the_orm_writer_write_the_same_rows(require_postgres):
    copied = _run(bulkwrite.CopyWriter())
    plain = _run(bulkwrite.OrmWriter())
    assert copied == plain
    assert len(copied[0]) == len(TRICKY)
    assert copied[0] != copied[1]  # the second sync changed what both wrote alike
    assert isinstance(bulkwrite.writer_for(connection), bulkwrite.CopyWriter)
