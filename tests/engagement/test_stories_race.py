"""Two L&D staff publish the same story at the same moment, on PostgreSQL: one transition happens
and the other is told the story is already published; the ledger holds one line. The guard is the
story row's lock; without it (the negative control) both read "waiting" and both publish."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from catalog.models import Enrolment, Status
from engagement.models import Activity, ActivityKind, Story
from engagement.services import stories, story_publish, story_submit
from tests.catalog.factories import ItemFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slow_read(require_postgres, monkeypatch):
    """Widen the window between reading the story's state and writing the new one."""

    def slowly(read):
        def read_slowly(story_id):
            story = read(story_id)
            time.sleep(0.3)
            return story

        return read_slowly

    return lambda read: monkeypatch.setattr(stories, "_locked", slowly(read))


@pytest.fixture
def story(employee):
    item = ItemFactory()
    Enrolment.objects.create(employee=employee, item=item, motivation="x", status=Status.COMPLETED)
    return story_submit(writer=employee, item_id=item.pk, effect="better", text="Fewer mistakes in the ledger.")


def _publish_twice_at_once(story, by) -> list[str]:
    barrier = threading.Barrier(2)
    outcomes = []

    def run():
        try:
            barrier.wait()
            story_publish(story_id=story.pk, by=by)
            outcomes.append("published")
        except ValidationError:
            outcomes.append("refused")
        except Exception as exc:  # pragma: no cover - shown in the assertion
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return sorted(outcomes)


def test_a_double_publish_ends_in_one_transition(slow_read, story, hr):
    slow_read(stories._locked)
    assert _publish_twice_at_once(story, hr) == ["published", "refused"]
    assert Story.objects.get().state == "published"
    assert Activity.objects.filter(kind=ActivityKind.STORY).count() == 1


def test_negative_control_without_the_lock_both_publish(slow_read, story, hr):
    slow_read(lambda story_id: Story.objects.get(pk=story_id))
    assert _publish_twice_at_once(story, hr) == ["published", "published"]  # the race the lock closes
