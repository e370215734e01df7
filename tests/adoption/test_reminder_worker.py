"""Issue 20 with a real Celery worker on Redis, two real beats sending the adoption tick every second,
and PostgreSQL: the owner of an action that is due is reminded exactly once (claimed by a conditional
update, queued through the outbox, sent through the delivery service), however many ticks go by and
when the reminder task is delivered again; an action not yet due, and one that is done, are not."""

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from adoption.models import Action
from adoption.services import review_hold
from comms.models import Delivery
from tests.adoption.helpers import running
from tests.workers import BeatProcess, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _reminders() -> list[tuple[int, str]]:
    return sorted(
        Delivery.objects.filter(message__key__startswith="adoption.action_due:")
        .values_list("employee_id", "channel")
        .order_by()
    )


def test_two_beats_and_a_redelivered_task_remind_an_owner_once(
    require_postgres, transactional_db, personas, start_worker, redis_url, tmp_path
):
    today = timezone.localdate()
    programme = running(personas, days_ago=100, length=90)
    later = today + timedelta(days=5)
    review = review_hold(
        cycle=programme.cycles.get(),
        by=personas.hr,
        worked="Lunch talks",
        did_not_work="Posters",
        actions=[
            {"text": "Ask the agents what they need", "owner": personas.manager, "due_on": later},
            {"text": "Book the room", "owner": personas.team_lead, "due_on": later},
            {"text": "Plan the next talk", "owner": personas.employee, "due_on": later},
        ],
    )
    due, not_yet, done = review.actions.order_by("pk")
    Action.objects.filter(pk__in=[due.pk, done.pk]).update(due_on=today - timedelta(days=1))
    Action.objects.filter(pk=done.pk).update(done_at=timezone.now())

    env = {"BEAT_FREQUENT_SECONDS": "1"}
    worker = start_worker(env)
    beats = [BeatProcess(redis_url=redis_url, log_path=tmp_path / f"beat{i}.log", extra_env=env) for i in (1, 2)]
    try:
        for beat in beats:
            beat.start()
        wait_for(lambda: _reminders(), timeout=120, message="the reminder")
        wait_for(lambda: all(b.sent("adoption-tick") >= 4 for b in beats), timeout=60, message="more ticks")
    finally:
        for beat in beats:
            beat.stop()
    worker.send("adoption.action_remind_task", due.pk)  # delivered again (a lost acknowledgement)
    worker.send("adoption.action_remind_task", due.pk)
    wait_for(lambda: worker.log().count("adoption.action_remind_task") >= 6, timeout=60, message="the retried tasks")

    reminders = _reminders()
    assert {employee for employee, _channel in reminders} == {personas.manager.pk}
    assert len(reminders) == len({channel for _e, channel in reminders})  # once per channel
    assert not Delivery.objects.values("message_id", "employee_id", "channel").annotate(n=Count("pk")).filter(n__gt=1)
    assert Action.objects.get(pk=due.pk).reminded_at is not None
    assert Action.objects.get(pk=not_yet.pk).reminded_at is None
    assert Action.objects.get(pk=done.pk).reminded_at is None
