"""The demo catalog, and what the catalog adds to the home page of each role."""

import pytest
from django.db.models import Count

from catalog.demo import seed_catalog
from catalog.models import LEVELS, Enrolment, Format, LearningItem, Status
from catalog.services import enrolment_request
from people.demo import seed_people

pytestmark = pytest.mark.django_db


def test_demo_has_a_varied_catalog_with_enrolments_in_every_state_and_runs_twice():
    seed_people()
    seed_catalog()
    seed_catalog()  # idempotent
    items = LearningItem.objects.filter(provider_key__startswith="DEMO-")
    assert items.count() >= 60
    assert set(items.values_list("format", flat=True)) == set(Format.values)
    for level in LEVELS:
        assert items.filter(**{f"level_{level}": True}).exists()
    states = set(Enrolment.objects.filter(employee__user__username="employee").values_list("status", flat=True))
    assert states == set(Status.values)
    assert not Enrolment.objects.values("employee", "item").annotate(n=Count("pk")).filter(n__gt=1, item__isnull=False)


def test_demo_has_a_request_waiting_for_ld(client):
    """The top of the organisation has nobody above her, so her request waits with L&D staff: the
    demo shows their inbox with something in it."""
    seed_people()
    seed_catalog()
    waiting = Enrolment.objects.get(employee__manager=None, status=Status.REQUESTED)
    assert waiting.item.provider_key == "DEMO-036"
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="hr"))  # the demo's L&D login
    response = client.get("/catalog/approvals/")
    assert response.status_code == 200, response
    assert f'id="decision-{waiting.pk}"' in response.content.decode()


def test_home_panels_for_employee_manager_and_ld(client_for, employee, manager, hr, pricey_item):
    from tests.catalog.factories import ItemFactory

    ItemFactory(title="Writing clear e-mails", level_bachelor=True)
    enrolment_request(employee=employee, item=pricey_item, motivation="Please")
    page = client_for(employee).get("/").content.decode()
    assert "For you" in page
    assert "Writing clear e-mails" in page
    assert "suits your level" in page
    assert "Negotiation masterclass" in page  # my current enrolment
    page = client_for(manager).get("/").content.decode()
    assert "1 request waiting for you" in page
    assert f'id="decision-{Enrolment.objects.get().pk}"' in page
    page = client_for(hr).get("/").content.decode()
    assert "gaps in the offer" in page


def test_nav_shows_catalog_links_by_capability(client_for, employee, hr):
    page = client_for(employee).get("/catalog/items/").content.decode()
    assert 'href="/catalog/enrolments/"' in page
    assert 'href="/catalog/diversity/"' not in page
    assert 'href="/catalog/diversity/"' in client_for(hr).get("/catalog/items/").content.decode()


def test_full_session_is_refused_with_a_clear_message(client_for, employee, other_employee, session):
    from catalog.models import Session

    Session.objects.filter(pk=session.pk).update(seats=1)
    enrolment_request(employee=other_employee, item=session.item, session=session, motivation="first")
    r = client_for(employee).post(
        f"/catalog/items/{session.item.pk}/request/", {"session": session.pk, "motivation": "me too"}
    )
    assert r.status_code == 200
    assert "This session is full. Choose another date." in r.content.decode()
    assert Enrolment.objects.count() == 1


def test_stats_refresh_task_is_idempotent(employee, cheap_item):
    from catalog.models import ItemDepartmentStat
    from catalog.tasks import item_stats_refresh_task, stats_refresh_all_task

    Enrolment.objects.create(employee=employee, item=cheap_item, motivation="x", status=Status.COMPLETED, rating=5)
    assert stats_refresh_all_task() == 1
    assert item_stats_refresh_task(cheap_item.pk) == 1
    assert stats_refresh_all_task() == 1
    stat = ItemDepartmentStat.objects.get()
    assert (stat.completions, stat.rating_sum, stat.rating_count) == (1, 5, 1)
