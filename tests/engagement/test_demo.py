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


def test_the_demo_has_ambassadors_nominations_and_a_needs_inbox(client):
    from engagement.models import Ambassadorship, Need, NeedGroup, Nomination

    call_command("seed_demo")
    accepted = Ambassadorship.objects.filter(status="accepted")
    assert accepted.values("department").distinct().count() >= 2
    assert Ambassadorship.objects.filter(status="invited").count() == 1
    # appointed over the past months, not all today; the open invitation is a few days old
    from django.utils import timezone

    days = sorted((timezone.now() - row.answered_at).days for row in accepted)
    assert days[-1] >= 200, days
    assert len(set(days)) == len(days), days
    invited = Ambassadorship.objects.get(status="invited")
    assert 3 <= (timezone.now() - invited.invited_at).days <= 5
    assert all(row.invited_at < row.answered_at for row in accepted)
    assert Nomination.objects.filter(status="open").count() >= 2
    assert NeedGroup.objects.filter(outcome="catalog", item__isnull=False).count() == 1
    assert NeedGroup.objects.filter(outcome="open").exclude(forwarded_at=None).count() == 1
    assert Need.objects.filter(group=None).exists()
    assert Activity.objects.filter(kind="need").count() == 2
    demo = Participant.objects.get(employee__user__username="employee").employee
    client.force_login(demo.user)
    local = accepted.get(department=demo.department_id).employee
    assert f"{local.full_name}</strong>" in client.get(reverse("home")).content.decode()  # whom to ask
    page = client.get(reverse("engagement:department", args=[demo.department_id])).content.decode()
    item = NeedGroup.objects.get(outcome="catalog").item
    assert reverse("catalog:item_detail", args=[item.pk]) in page  # what became of the demo employee's need
    call_command("seed_demo")
    assert Ambassadorship.objects.count() == accepted.count() + 1
