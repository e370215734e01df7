"""A cycle's figures at the start cannot change after it starts, not even by a hand in psql: on
PostgreSQL a trigger (migration 0003) refuses the update; the negative control shows the same update
passes with the trigger off, so the refusal is the trigger's."""

import pytest
from django.db import DatabaseError, connection, transaction

from adoption.models import Cycle, CycleFigure
from tests.adoption.helpers import running

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_postgres")]


def test_the_database_refuses_to_change_a_frozen_figure(personas):
    cycle = running(personas).cycles.get()
    figure = cycle.figures.first()
    before = (figure.metric, figure.group, figure.value, figure.numerator, figure.denominator)
    for attempt in (
        lambda: CycleFigure.objects.filter(pk=figure.pk).update(numerator=figure.numerator + 1),
        lambda: CycleFigure.objects.filter(pk=figure.pk).update(value=12345),
        lambda: CycleFigure.objects.filter(pk=figure.pk).update(metric="participation"),
        lambda: connection.cursor().execute("UPDATE adoption_cyclefigure SET denominator = denominator + 1"),
    ):
        with pytest.raises(DatabaseError, match="frozen"), transaction.atomic():
            attempt()
    figure.refresh_from_db()
    assert (figure.metric, figure.group, figure.value, figure.numerator, figure.denominator) == before


def test_the_database_refuses_to_move_a_cycle_s_baseline_day(personas):
    cycle = running(personas).cycles.get()
    assert cycle.baseline_day is not None
    with pytest.raises(DatabaseError, match="frozen"), transaction.atomic():
        Cycle.objects.filter(pk=cycle.pk).update(
            baseline_day=cycle.baseline_day.replace(day=1)
            if cycle.baseline_day.day != 1
            else cycle.baseline_day.replace(day=2)
        )
    cycle.refresh_from_db()
    # What may still change: its dates' end, and deleting the programme takes the figures along.
    Cycle.objects.filter(pk=cycle.pk).update(ends_on=cycle.ends_on.replace(year=cycle.ends_on.year + 1))
    cycle.programme.delete()
    assert not CycleFigure.objects.exists()


def test_the_refusal_is_the_trigger_not_luck(personas):
    cycle = running(personas).cycles.get()
    figure = cycle.figures.first()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks, so ALTER may run
        cursor.execute("ALTER TABLE adoption_cyclefigure DISABLE TRIGGER adoption_cyclefigure_frozen")
        cursor.execute("UPDATE adoption_cyclefigure SET numerator = numerator + 1 WHERE id = %s", [figure.pk])
        cursor.execute("SELECT numerator FROM adoption_cyclefigure WHERE id = %s", [figure.pk])
        assert cursor.fetchone()[0] == figure.numerator + 1
        transaction.set_rollback(True)
