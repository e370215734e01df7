"""A sponsor's decision on a goal is in the audit trail, with who decided and why."""

import pytest

from goals.services import goal_approve, goal_reject
from people.models import AuditEntry
from tests.goals.helpers import submitted

pytestmark = pytest.mark.django_db


def test_approving_a_goal_is_recorded(personas):
    goal = submitted(personas)
    goal_approve(goal=goal, by=goal.sponsor, comment="Go")
    entry = AuditEntry.objects.get(action="goal.approved")
    assert (entry.object_type, entry.object_id) == ("goals.goal", str(goal.pk))
    assert entry.actor_id == goal.sponsor.user_id
    assert entry.reason == "Go"


def test_rejecting_a_goal_is_recorded(personas):
    goal = submitted(personas)
    goal_reject(goal=goal, by=goal.sponsor, comment="Not measurable")
    entry = AuditEntry.objects.get(action="goal.rejected")
    assert entry.changes["status"][1] == "rejected"
    assert entry.reason == "Not measurable"


def test_marking_and_unmarking_a_sponsor_is_a_role_grant_in_the_trail(personas):
    from goals.services import sponsor_mark, sponsor_unmark

    sponsor_mark(employee=personas.other_employee, by=personas.hr)
    sponsor_mark(employee=personas.other_employee, by=personas.hr)  # already one: nothing new
    sponsor_unmark(employee=personas.other_employee)
    entries = AuditEntry.objects.filter(action="rights.changed").order_by("pk")
    assert [(e.subject_id, e.changes["sponsor"]) for e in entries] == [
        (personas.other_employee.pk, [False, True]),
        (personas.other_employee.pk, [True, False]),
    ]
    assert entries[0].actor_id == personas.hr.user_id
    assert entries[0].object_type == "goals.sponsor"
