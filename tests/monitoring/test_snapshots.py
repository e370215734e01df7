"""Nightly snapshots: one row per metric × scope × day with the figures the live selectors give;
a rerun writes nothing; missed nights are caught up; the backfill rebuilds history; and a real
worker with two real beats takes each night once, and keeps the dashboard's figures of the day once."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from monitoring import metrics
from monitoring.models import KeptFigures, MetricSnapshot, ScopeKind
from monitoring.periods import Period
from monitoring.selectors import metric_breakdown, metric_series, metric_values
from monitoring.services import figures_due, snapshot_days_missing, snapshots_catch_up, snapshots_take
from people.audience import EVERYONE
from tests.workers import BeatProcess, wait_for

DAY = date(2025, 12, 31)
FACT_METRICS = len([m for m in metrics.all_metrics() if not m.from_survey])


def _expected_rows() -> int:
    # the organisation, four departments with people below them, two job groups with people
    return FACT_METRICS * (1 + 4 + 2)


def test_a_day_holds_every_metric_for_every_scope_with_the_live_figures(small):
    assert snapshots_take(day=DAY) == _expected_rows()
    live = metric_values(EVERYONE, Period.rolling_year(DAY), today=DAY)
    for row in MetricSnapshot.objects.filter(scope_kind=ScopeKind.ORGANISATION, day=DAY):
        assert (row.numerator, row.denominator) == (live[row.metric].numerator, live[row.metric].denominator)
    sales = metric_breakdown("department", EVERYONE, Period.rolling_year(DAY), today=DAY)[small.sales.pk]
    row = MetricSnapshot.objects.get(scope_kind=ScopeKind.DEPARTMENT, scope_id=small.sales.pk, metric="participation")
    assert row.value == sales["participation"].value.quantize(row.value)


def test_taking_a_day_again_writes_nothing(small):
    snapshots_take(day=DAY)
    before = list(MetricSnapshot.objects.order_by("pk").values_list("pk", "value"))
    assert snapshots_take(day=DAY) == 0
    assert list(MetricSnapshot.objects.order_by("pk").values_list("pk", "value")) == before


def test_an_empty_scope_is_stored_as_no_data(small):
    snapshots_take(day=date(2024, 1, 10))  # before anyone had a budget
    row = MetricSnapshot.objects.get(scope_kind=ScopeKind.ORGANISATION, metric="budget_utilisation")
    assert (row.value, row.denominator) == (None, 0)


def test_missed_nights_are_caught_up_and_then_nothing_is_left(small):
    today = date(2026, 1, 6)
    snapshots_take(day=date(2026, 1, 1))
    assert snapshot_days_missing(today=today) == [date(2026, 1, d) for d in (2, 3, 4, 5)]
    assert snapshots_catch_up(today=today) == 4
    assert snapshots_catch_up(today=today) == 0
    per_day = dict(
        MetricSnapshot.objects.filter(scope_kind=ScopeKind.ORGANISATION).values_list("day").annotate(n=Count("pk"))
    )
    assert set(per_day) == {date(2026, 1, d) for d in range(1, 6)}
    assert set(per_day.values()) == {FACT_METRICS}


def test_a_fresh_install_takes_yesterday_only(small):
    assert snapshot_days_missing(today=date(2026, 3, 1)) == [date(2026, 2, 28)]


def test_the_backfill_rebuilds_history_and_refuses_a_bad_date(small):
    call_command("monitoring_backfill", since="2025-12-01", until="2025-12-03")
    assert sorted(set(MetricSnapshot.objects.values_list("day", flat=True))) == [date(2025, 12, d) for d in (1, 2, 3)]
    MetricSnapshot.objects.filter(metric="participation").update(value=0)
    call_command("monitoring_backfill", since="2025-12-01", until="2025-12-03")
    assert not MetricSnapshot.objects.filter(metric="participation", scope_kind="organisation", value=0).exists()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("monitoring_backfill", since="1 December")


def test_trends_read_the_snapshots(small):
    for day in (date(2025, 10, 31), date(2025, 11, 30), DAY):
        snapshots_take(day=day)
    series = metric_series("participation", ScopeKind.ORGANISATION, 0, date(2025, 10, 1), DAY)
    assert [day for day, _f in series] == [date(2025, 10, 31), date(2025, 11, 30), DAY]
    assert series[-1][1].value == metric_values(EVERYONE, Period.rolling_year(DAY), ["participation"], today=DAY)[
        "participation"
    ].value.quantize(series[-1][1].value)


@pytest.mark.redis
def test_a_worker_and_two_beats_take_each_missed_night_once(
    require_postgres, transactional_db, start_worker, redis_url, tmp_path
):
    from tests.monitoring.conftest import build_small

    build_small()
    yesterday = timezone.localdate() - timedelta(days=1)
    snapshots_take(day=yesterday - timedelta(days=3))  # then the worker was down for two nights
    per_night = MetricSnapshot.objects.count()
    env = {"BEAT_FREQUENT_SECONDS": "1"}
    start_worker(env)
    beats = [BeatProcess(redis_url=redis_url, log_path=tmp_path / f"beat{i}.log", extra_env=env) for i in (1, 2)]
    try:
        for beat in beats:
            beat.start()
        wait_for(
            lambda: MetricSnapshot.objects.filter(day=yesterday).count() == per_night,
            timeout=120,
            message="yesterday's snapshots",
        )
        wait_for(
            lambda: KeptFigures.objects.filter(as_of=timezone.localdate()).count() == 3,
            timeout=120,
            message="this year's, this month's and the 365 days' kept figures",
        )
        wait_for(lambda: all(b.sent("monitoring-snapshots") >= 4 for b in beats), timeout=60, message="more ticks")
    finally:
        for beat in beats:
            beat.stop()
    days = dict(MetricSnapshot.objects.values_list("day").annotate(n=Count("pk")))
    assert days == {yesterday - timedelta(days=n): per_night for n in range(4)}
    assert figures_due(today=timezone.localdate()) == []  # the dashboard's periods kept, each once
    # this year, this month, the 365 days up to today, last year, last year's months and this
    # year's closed months, once each
    assert KeptFigures.objects.count() == 4 + 12 + timezone.localdate().month - 1
