"""Beat down for two days: when a real beat process returns, every periodic entry is sent once (not
once per missed interval) and each job catches up what it covers once, oldest first: the missed
nights' snapshots, the budget period that started, the reminder of an occurrence still to come (not
of one that is over), and the evaluation follow-up that fell due. django-celery-beat keeps each
entry's last run in the database; the test sets it back two days as a beat that stopped would have
left it."""

import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Count, Min
from django.utils import timezone
from django_celery_beat.models import PeriodicTask, PeriodicTasks

from budgets.models import Budget, BudgetPolicy
from comms.models import Delivery
from config.celery import BEAT_SCHEDULE
from monitoring.models import MetricSnapshot
from monitoring.services import snapshots_take
from policy.models import ReminderRun, ReminderStatus
from policy.services import moment_create
from surveys.models import Invitation, Kind, Survey
from surveys.services import evaluation_invite
from tests.catalog.factories import EnrolmentFactory
from tests.factories import EmployeeFactory
from tests.workers import BeatProcess, WorkerProcess, wait_for

pytestmark = pytest.mark.usefixtures("require_postgres")
DOWN = timedelta(days=2)


def nights_taken(today: date) -> list[date]:
    """The organisation's snapshot days from three days ago, in the order they were written; a day
    taken in part (some metrics missing) fails here."""
    nights = list(
        MetricSnapshot.objects.filter(scope_kind="organisation", day__gte=today - timedelta(days=3))
        .values("day")
        .annotate(first=Min("pk"), n=Count("pk"))
        .order_by("first")
    )
    assert len({n["n"] for n in nights}) <= 1  # each night whole
    return [n["day"] for n in nights]


def _moment(title: str, minutes_from_now: int, offset: int):
    """A daily moment whose occurrence today starts `minutes_from_now` from now."""
    start = (timezone.now() + timedelta(minutes=minutes_from_now)).replace(second=0, microsecond=0)
    local = timezone.localtime(start, timezone.get_fixed_timezone(0))
    moment_create(
        title=title,
        rrule="FREQ=DAILY",
        starts_on=local.date() - timedelta(days=3),
        start_time=local.time(),
        timezone="UTC",
        duration_minutes=30,
        reminder_offsets=[offset],
    )
    return start


def _processes(web_on, tmp_path, name):
    worker = WorkerProcess(redis_url=web_on.url, log_path=tmp_path / f"worker-{name}.log")
    beat = BeatProcess(redis_url=web_on.url, log_path=tmp_path / f"beat-{name}.log")
    return worker, beat


def test_beat_back_after_two_days_runs_each_job_once_and_catches_up_in_order(web_on, tmp_path, transactional_db):
    today = timezone.localdate()
    # Beat ran until two days ago: its entries are in the database, the last snapshot is of the
    # night before it stopped.
    _, beat = _processes(web_on, tmp_path, "before")
    beat.start()
    # Beat says it starts before it has written every entry; under load the last ones come later.
    wait_for(
        lambda: set(BEAT_SCHEDULE) <= set(PeriodicTask.objects.values_list("name", flat=True)),
        timeout=60,
        message="beat's entries in the database",
    )
    beat.stop()
    PeriodicTask.objects.filter(name__in=BEAT_SCHEDULE).update(last_run_at=timezone.now() - DOWN, total_run_count=0)
    PeriodicTasks.update_changed()

    people = EmployeeFactory.create_batch(3)
    snapshots_take(day=today - timedelta(days=3))
    BudgetPolicy.objects.create(
        name="Everyone", amount=Decimal("600.00"), hours=Decimal("24"), period_start=date(today.year, 1, 1)
    )
    upcoming = _moment("Still to come", minutes_from_now=30, offset=60)  # reminder due 30 minutes ago
    _moment("Already over", minutes_from_now=-180, offset=60)  # reminded of while beat was away: over now
    enrolment = EnrolmentFactory(employee=people[0], status="completed")
    evaluation_invite(employee_id=people[0].pk, item_id=enrolment.item_id, item_title="Excel")
    Invitation.objects.filter(follow_up=True).update(follow_up_due=today - timedelta(days=1))
    assert not Budget.objects.exists()
    assert not ReminderRun.objects.exists()

    worker, beat = _processes(web_on, tmp_path, "after")
    worker.start()
    beat.start()
    try:
        started = time.monotonic()
        wait_for(
            lambda: (
                MetricSnapshot.objects.filter(day=today - timedelta(days=1)).exists()
                and Budget.objects.filter(employee__in=people).count() == len(people)
                and ReminderRun.objects.filter(status=ReminderStatus.SENT).exists()
                and Delivery.objects.filter(message__key__startswith="surveys.follow_up:").exists()
            ),
            timeout=45,
            message="the catch-up",
        )
        time.sleep(max(0.0, 12 - (time.monotonic() - started)))  # room for anything sent twice
        sent = {name: beat.sent(name) for name in BEAT_SCHEDULE}
        # The frequent entries' next run is 60 s away: a second sending within the test would be a
        # catch-up per missed interval.
        assert sent == dict.fromkeys(BEAT_SCHEDULE, 1), beat.log()[-3000:]
    finally:
        beat.stop()
        worker.stop()

    assert nights_taken(today) == [today - timedelta(days=d) for d in (3, 2, 1)]  # each once, oldest first
    budgets = Budget.objects.filter(employee__in=people)
    assert sorted(budgets.values_list("employee_id", flat=True)) == sorted(p.pk for p in people)  # one each
    run = ReminderRun.objects.get()  # the occurrence that is over got none
    assert run.occurrence_start == upcoming
    assert run.status == ReminderStatus.SENT
    assert not Delivery.objects.values("message_id", "employee_id", "channel").annotate(n=Count("pk")).filter(n__gt=1)
    survey = Survey.objects.get(kind=Kind.EVALUATION, item_id=enrolment.item_id)
    follow_ups = Delivery.objects.filter(message__key__startswith=f"surveys.follow_up:{survey.pk}:")
    assert follow_ups.filter(channel="in_app").count() == 1
