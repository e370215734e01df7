"""The demo holds step 6's story (issue 20): Customer Service in its second cycle with a held review
and visible improvement against the rest of the organisation, an open action carried into the
second cycle and one overdue on the L&D home; Warehouse Venlo just started, extended from it."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from adoption import demo
from adoption.models import Programme
from adoption.selectors import _related, programme_rows

pytestmark = pytest.mark.django_db


def test_the_demo_tells_the_programmes_story_and_seeding_twice_adds_nothing(client):
    from django.utils import timezone

    call_command("seed_demo")
    programmes = {p.name: p for p in _related(Programme.objects.all())}
    assert set(programmes) == {demo.NAME, demo.NEXT_NAME}
    rows = {r.programme.name: r for r in programme_rows(list(programmes.values()), today=timezone.localdate())}
    pilot = rows[demo.NAME]
    assert pilot.cycle.number == 2
    assert pilot.stage == "running"
    assert hasattr(pilot.programme.cycles.get(number=1), "review")
    assert next(s for s in pilot.steps if s.number == 6).done
    verdicts = {c.metric.name: c.verdict for card in pilot.effects for c in card.changes}
    # Customer Service's learning hour: its hours against the policy rose far more than elsewhere.
    assert verdicts["hours_vs_policy"] == "better", verdicts
    assert pilot.effects[0].verdict == "better"
    nxt = rows[demo.NEXT_NAME]
    assert nxt.programme.extended_from_id == pilot.programme.pk
    assert (nxt.cycle.number, nxt.stage) == (1, "running")

    call_command("seed_demo")
    assert Programme.objects.count() == 2

    client.force_login(pilot.programme.owner.user)  # Hanna reads Dutch
    home = client.get(reverse("adoption:home")).content.decode()
    assert "Actie over tijd in Customer Service learns" in home
    page = client.get(reverse("adoption:detail", args=[pilot.programme.pk])).content.decode()
    assert "Show each colleague their budget in the team meeting" in page  # carried into cycle 2
    assert "Beter dan de vergelijkingsgroep" in page
    assert (
        "Lessen uit Customer Service learns"
        in client.get(reverse("adoption:detail", args=[nxt.programme.pk])).content.decode()
    )

    # The pilot's sponsor wrote to Customer Service once; their page shows what they sponsor.
    from adoption.models import SponsorMessage

    (message,) = SponsorMessage.objects.all()
    assert message.programme == pilot.programme
    assert message.recipients > 0
    from adoption.selectors import sponsor_overview

    overview = sponsor_overview(pilot.programme.sponsor, today=timezone.localdate())
    assert demo.NAME in [row.programme.name for row in overview.programmes]
