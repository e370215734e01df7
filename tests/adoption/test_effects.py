"""The four barriers of a cycle: the figures at its start are frozen when it starts, the live ones
are read beside them, for the pilot and for a comparison group, and the programme's effect is the
difference of the two changes (issue 20)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from adoption.effects import effects_of
from adoption.models import CycleFigure, Group, Programme
from adoption.selectors import _related
from monitoring.models import MetricSnapshot, ScopeKind
from tests.adoption.helpers import running, snap

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(personas):
    """No activity: the pilot from 60% to 30%, the organisation from 50% to 40% (the rest of it from
    44 of 90 to 37 of 90); Finance from 50% to 45%."""
    today = timezone.localdate()
    start, now = today - timedelta(days=30), today - timedelta(days=1)
    service = personas.employee.department_id
    finance = personas.other_employee.department_id
    for day, pilot, org, fin in ((start, 6, 50, 10), (now, 3, 40, 9)):
        snap("no_activity", ScopeKind.DEPARTMENT, service, day, pilot, 10)
        snap("no_activity", ScopeKind.ORGANISATION, 0, day, org, 100)
        snap("no_activity", ScopeKind.DEPARTMENT, finance, day, fin, 20)
    return start, now


def _change(p, metric="no_activity"):
    p = _related(Programme.objects.filter(pk=p.pk)).get()
    cycle = list(p.cycles.all())[-1]
    cards = effects_of([cycle], today=timezone.localdate())[cycle.pk]
    return next(c for card in cards for c in card.changes if c.metric.name == metric), cards


def test_the_effect_is_the_pilots_change_minus_the_rest_of_the_organisations(personas, history):
    p = running(personas, days_ago=30)
    change, cards = _change(p)
    assert change.pilot_start == Decimal("60.0000")
    assert change.pilot_now == Decimal("30.0000")
    assert change.comparison_start.quantize(Decimal("0.01")) == Decimal("48.89")  # 44 of 90
    assert change.comparison_now.quantize(Decimal("0.01")) == Decimal("41.11")  # 37 of 90
    assert change.effect.quantize(Decimal("0.01")) == Decimal("-22.22")
    assert change.verdict == "better"  # fewer people without activity, more than elsewhere
    barrier4 = cards[3]
    assert (barrier4.light_start, barrier4.light_now) == ("red", "green")


def test_a_rise_everywhere_is_not_the_programmes_effect(personas, history):
    """Against Finance, whose share fell as fast as the pilot's, a smaller fall is worse."""
    from people.models import Department

    p = running(
        personas, days_ago=30, comparison_department=Department.objects.get(pk=personas.other_employee.department_id)
    )
    change, _cards = _change(p)
    assert (change.comparison_start, change.comparison_now) == (Decimal("50.0000"), Decimal("45.0000"))
    assert change.effect == Decimal("-25.0000")
    MetricSnapshot.objects.filter(scope_id=personas.other_employee.department_id, day=history[1]).update(
        numerator=Decimal(2), value=Decimal("10.0000")
    )
    change, _cards = _change(p)
    assert change.effect == Decimal("10.0000")  # Finance fell by 40 points, the pilot by 30
    assert change.verdict == "worse"


def test_the_figures_at_the_start_are_frozen_when_the_cycle_starts(personas, history):
    p = running(personas, days_ago=30)
    frozen = CycleFigure.objects.get(cycle__programme=p, metric="no_activity", group=Group.PILOT)
    assert frozen.value == Decimal("60.0000")
    # History rewritten afterwards (a backfill) does not move the start; the live figure follows it.
    MetricSnapshot.objects.filter(scope_id=personas.employee.department_id, metric="no_activity").update(
        numerator=Decimal(5), value=Decimal("50.0000")
    )
    change, _cards = _change(p)
    assert change.pilot_start == Decimal("60.0000")
    assert change.pilot_now == Decimal("50.0000")
    with pytest.raises(Exception, match="never edited"):
        frozen.save()


def test_the_page_shows_the_numbers_of_both_groups_and_the_difference(personas, history, client_for):
    p = running(personas, days_ago=30)
    text = client_for(personas.hr).get(reverse("adoption:detail", args=[p.pk])).content.decode()
    for shown in ("60.0%", "30.0%", "−30.0 percentage points", "48.9%", "41.1%", "−7.8 percentage points"):
        assert shown in text
    assert "−22.2 percentage points" in text
    assert "Better than the comparison group" in text


def test_a_cycle_reads_its_figures_at_its_end_not_today(personas, history):
    p = running(personas, days_ago=30, length=10)  # ended 20 days ago, before the "now" snapshot
    change, _cards = _change(p)
    assert change.pilot_now == Decimal("60.0000")  # the latest snapshot on or before its end


def test_no_snapshot_for_over_a_month_is_no_figure(personas, history):
    MetricSnapshot.objects.filter(day=history[0]).update(day=history[0] - timedelta(days=40))
    p = running(personas, days_ago=30, length=10)
    change, _cards = _change(p)
    assert change.pilot_start is None
    assert change.pilot_now is None
    assert change.effect is None
    assert change.verdict == ""
