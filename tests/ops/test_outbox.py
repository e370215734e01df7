"""The outbox in one process (tasks run inline, as in every test without a worker): recorded in the
action's transaction, relayed once after the commit, claimed so two relayers never both send."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from catalog.models import ItemDepartmentStat
from ops.models import OutboxTask
from ops.outbox import outbox_enqueue, outbox_prune, outbox_relay, outbox_relay_pending
from tests.catalog.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


def _stats_task(item_id):
    return outbox_enqueue("catalog.item_stats_refresh", item_id)


def test_a_rolled_back_action_records_and_relays_nothing(django_capture_on_commit_callbacks, cheap_item):
    def failing_action():
        with transaction.atomic():
            _stats_task(cheap_item.pk)
            raise RuntimeError("the action failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_action()
    assert callbacks == []
    assert not OutboxTask.objects.exists()


def test_a_committed_action_is_relayed_once(django_capture_on_commit_callbacks, cheap_item, employee):
    EnrolmentFactory(employee=employee, item=cheap_item, status="completed", rating=5)
    ItemDepartmentStat.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        row = _stats_task(cheap_item.pk)
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.attempts == 1
    assert ItemDepartmentStat.objects.filter(item=cheap_item).count() == 1
    assert outbox_relay(pk=row.pk) is False  # sent already: a second relay does nothing
    assert outbox_relay_pending(grace_seconds=0) == 0
    row.refresh_from_db()
    assert row.attempts == 1


def test_a_row_claimed_by_a_live_relayer_is_left_alone_and_taken_over_after_its_claim(cheap_item):
    row = _stats_task(cheap_item.pk)  # no commit callbacks run here: as if the process died
    OutboxTask.objects.filter(pk=row.pk).update(claimed_until=timezone.now() + timedelta(seconds=60))
    assert outbox_relay_pending(grace_seconds=0) == 0
    OutboxTask.objects.filter(pk=row.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert outbox_relay_pending(grace_seconds=0) == 1
    row.refresh_from_db()
    assert row.sent_at is not None


def test_the_sweep_waits_for_the_relay_after_the_commit_then_sends_oldest_first(cheap_item):
    first, second = _stats_task(cheap_item.pk), _stats_task(cheap_item.pk)
    assert outbox_relay_pending(grace_seconds=60) == 0
    assert outbox_relay_pending(grace_seconds=0) == 2
    first.refresh_from_db(), second.refresh_from_db()
    assert first.sent_at <= second.sent_at


def test_prune_forgets_only_what_was_sent_long_ago(cheap_item):
    old, unsent = _stats_task(cheap_item.pk), _stats_task(cheap_item.pk)
    OutboxTask.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=8))
    OutboxTask.objects.filter(pk=unsent.pk).update(created_at=timezone.now() - timedelta(days=30))
    assert outbox_prune(keep_days=7) == 1
    assert list(OutboxTask.objects.values_list("pk", flat=True)) == [unsent.pk]


APPS = ("people", "hris", "catalog", "budgets", "comms", "policy", "surveys", "monitoring", "ops")


def _direct_publishes(source: str) -> list[int]:
    """Lines where a task is published straight to the broker (`.delay` or `.apply_async`, called or
    handed to on_commit), which a broker outage turns into an error or a lost task."""
    import ast

    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in ("delay", "apply_async")
    ]


def test_the_guard_sees_a_task_handed_to_on_commit():
    assert _direct_publishes("transaction.on_commit(partial(send_task.delay, 1))") == [1]
    assert _direct_publishes("outbox_enqueue(send_task.name, 1)") == []


def test_nothing_but_the_outbox_publishes_a_task():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = [
        f"{path.relative_to(root)}:{line}"
        for app in APPS
        for path in sorted((root / app).rglob("*.py"))
        if "migrations" not in path.parts and path != root / "ops" / "outbox.py"
        for line in _direct_publishes(path.read_text())
    ]
    assert found == []
