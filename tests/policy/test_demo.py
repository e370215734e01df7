"""The demo organisation gets a weekly moment per department, a monthly one for everyone, a policy
and some attendance; running the step again creates nothing twice."""

from people.demo import seed_people
from people.models import Department
from people.registry import registry
from policy.demo import seed_moments
from policy.models import Attendance, LearningMoment, LearningTimePolicy


def test_demo_moments_are_complete_and_idempotent(db):
    assert any(step is seed_moments for _order, step in registry.demo_steps)
    seed_people()
    seed_moments()
    counts = (LearningMoment.objects.count(), Attendance.objects.count(), LearningTimePolicy.objects.count())
    seed_moments()
    assert (LearningMoment.objects.count(), Attendance.objects.count(), LearningTimePolicy.objects.count()) == counts
    departments = Department.objects.exclude(parent__isnull=True).count()
    weekly = LearningMoment.objects.filter(audience_kind="department", rrule__startswith="FREQ=WEEKLY")
    assert weekly.count() == departments
    assert LearningMoment.objects.filter(audience_kind="everyone", rrule__startswith="FREQ=MONTHLY").count() == 1
    assert counts[1] > 0
