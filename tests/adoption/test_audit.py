"""A programme cycle's review (its decisions) is in the audit trail."""

import pytest

from adoption.services import review_hold
from people.models import AuditEntry
from tests.adoption.helpers import running

pytestmark = pytest.mark.django_db


def test_a_cycle_review_is_recorded_with_its_decisions(personas):
    p = running(personas, days_ago=60, length=90)
    review_hold(
        cycle=p.cycles.get(number=1), by=personas.hr, worked="Lunch talks", did_not_work="Posters", decisions="Go on"
    )
    entry = AuditEntry.objects.get(action="programme.reviewed")
    assert (entry.object_type, entry.object_id) == ("adoption.programme", str(p.pk))
    assert entry.actor_id == personas.hr.user_id
    assert entry.reason == "Go on"
