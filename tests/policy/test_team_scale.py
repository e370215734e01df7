"""The team hours page costs the same for three reports and for thousands (through the reporting
lines), shows one page of people, and each person's hours and target stay right."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Enrolment, Status
from policy.models import LearningTimePolicy
from tests.bigteam import grow_team, page_queries
from tests.catalog.factories import ItemFactory

pytestmark = pytest.mark.django_db


def test_team_hours_holds_its_query_count_and_figures_for_thousands_of_reports(personas, client_for, time_machine):
    time_machine.move_to("2026-06-15 10:00")
    LearningTimePolicy.objects.create(audience_kind="everyone", hours_per_fte=Decimal("40"))
    item = ItemFactory(duration_hours=Decimal("8.0"))
    client = client_for(personas.manager)
    url = reverse("policy:team_hours")
    small, page = page_queries(client, url)
    assert personas.indirect_report.full_name in page

    grown = grow_team(personas.manager, 2500)
    done = datetime(2026, 3, 1, 12, tzinfo=UTC)
    Enrolment.objects.bulk_create(
        [Enrolment(employee=e, item=item, status=Status.COMPLETED, completed_at=done) for e in grown[::2]]
    )
    large, page = page_queries(client, url)
    assert large == small, (small, large)
    assert page.count("<tr>") == 51  # the heading and one page of 50 people
    assert "Page 1 of 51" in page

    learner, idle = grown[1234], grown[1235]
    found_count, found = page_queries(client, url + f"?q={learner.first_name}")
    assert found_count == small
    assert learner.full_name in found
    assert '<td class="text-end">8</td>' in found  # 8 of 40 hours: 20%
    assert "20%" in found
    _count, found = page_queries(client, url + f"?q={idle.first_name}")
    assert '<td class="text-end">0</td>' in found


def test_ld_staff_without_a_team_get_no_team_hours_page(personas, client_for):
    assert client_for(personas.hr).get(reverse("policy:team_hours")).status_code == 403
    home = client_for(personas.hr).get(reverse("home")).content.decode()
    assert reverse("policy:team_hours") not in home
