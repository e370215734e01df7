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


@pytest.fixture
def cheap_item(cheap_item):
    """The item without the announcement its creation recorded: the rows these tests count are theirs."""
    OutboxTask.objects.all().delete()
    return cheap_item


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


def _on_commit_calls(source: str) -> list[str]:
    """What each `transaction.on_commit(...)` in the source hands over, as written."""
    import ast

    return [
        ast.unparse(node.args[0])
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "on_commit"
        and node.args
    ]


# What may run after a commit without being recorded: the outbox's own relay (the row is in the
# transaction; the sweep sends it if the callback never runs) and cache invalidations (the cache
# fails open, and its epoch outlives an outage). Anything else after a commit is work that a crash
# between the commit and the callback, or a broker or cache outage, would lose or turn into an error.
ON_COMMIT_ALLOWED = {
    "ops/outbox.py": ["partial(_relay_after_commit, row.pk)"],
    "catalog/handlers.py": ["catalog_changed", "lambda: employee_learning_changed(employee_id)"],
    "catalog/services/offer.py": ["catalog_changed"],
    "budgets/selectors.py": ["lambda: cache.delete(key)"],  # the overview's kept totals, after a change
}


def test_every_on_commit_in_the_apps_is_the_outbox_relay_or_a_cache_invalidation():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = {}
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            calls = _on_commit_calls(path.read_text())
            if calls and "migrations" not in path.parts:
                found[str(path.relative_to(root))] = calls
    assert found == ON_COMMIT_ALLOWED


def test_a_completion_records_its_evaluation_invitation_in_its_own_transaction(employee, cheap_item):
    from catalog.services import enrolment_complete
    from surveys.models import Invitation

    enrolment = EnrolmentFactory(employee=employee, item=cheap_item, status="started", started_at=timezone.now())
    recorded = []

    def complete_then_fail():
        with transaction.atomic():
            enrolment_complete(enrolment=enrolment, by=None)
            # Before the commit: a process dying right after it would leave this row for the sweep.
            recorded.extend(OutboxTask.objects.filter(task="surveys.evaluation_invite"))
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        complete_then_fail()
    assert len(recorded) == 1
    assert not OutboxTask.objects.exists()  # and a rollback takes it back with the completion
    assert not Invitation.objects.exists()


def test_an_added_item_is_announced_through_the_outbox_in_its_own_transaction(django_capture_on_commit_callbacks):
    from catalog.services import item_create
    from people.signals import domain_event
    from tests.catalog.test_manage_services import item_fields

    seen = []

    def receiver(sender, name=None, **payload):
        seen.append((name, payload.get("item").pk if payload.get("item") else None))

    domain_event.connect(receiver, dispatch_uid="test-item-added")
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            item = item_create(**item_fields())
            assert list(OutboxTask.objects.values_list("task", "args")) == [("catalog.item_announce", [item.pk])]
            assert seen == []  # said after the commit, by the task the outbox relays
    finally:
        domain_event.disconnect(dispatch_uid="test-item-added")
    assert seen == [("catalog.item_added", item.pk)]
    assert OutboxTask.objects.get().sent_at is not None
