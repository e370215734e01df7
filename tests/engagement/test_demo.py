"""The demo holds issue 19's story: a year of activity replayed from the demo's completions and
attendance, a board with people who opted in and people who did not, a thank-you with a badge;
seeding twice adds nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from engagement.models import Activity, Participant, Reward

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_year_of_activity_and_a_mixed_board(client):
    call_command("seed_demo")
    lines = Activity.objects.count()
    assert lines > 100
    assert Activity.objects.filter(kind="completed").exists()
    assert Activity.objects.filter(kind="attended").exists()
    assert Participant.objects.filter(named=True).exists()
    assert Participant.objects.filter(named=False).exists()
    assert Reward.objects.exclude(badge="").count() == 1
    client.force_login(Participant.objects.get(employee__user__username="employee").employee.user)
    rows = client.get(reverse("engagement:board")).context["rows"]
    names = {r.named for r in rows}
    assert names == {True, False}, [(r.name, r.points) for r in rows]
    call_command("seed_demo")
    assert Activity.objects.count() == lines
    assert Reward.objects.count() == 1
