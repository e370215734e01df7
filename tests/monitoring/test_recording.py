"""What monitoring needs the catalog to record: who opened the catalog (once a person a day), and
which enrolments were asked for from a "for you" recommendation."""

from datetime import date

from django.core.cache import cache

from catalog.models import CatalogVisit, Enrolment
from catalog.services import catalog_visit_record
from tests.catalog.factories import ItemFactory


def test_opening_the_catalog_records_one_visit_a_day(client_for, employee):
    c = client_for(employee)
    assert c.get("/catalog/").status_code == 200
    assert c.get("/catalog/items/").status_code == 200
    assert c.get("/catalog/").status_code == 200
    assert CatalogVisit.objects.filter(employee=employee).count() == 1


def test_a_second_visit_the_same_day_writes_nothing_and_another_day_does(employee):
    assert catalog_visit_record(employee=employee, day=date(2025, 3, 1)) is True
    assert catalog_visit_record(employee=employee, day=date(2025, 3, 1)) is False
    assert catalog_visit_record(employee=employee, day=date(2025, 3, 2)) is True
    assert list(CatalogVisit.objects.filter(employee=employee).values_list("day", flat=True).order_by("day")) == [
        date(2025, 3, 1),
        date(2025, 3, 2),
    ]


def test_a_request_from_for_you_is_marked_and_one_from_search_is_not(client_for, employee):
    c = client_for(employee)
    recommended, searched = ItemFactory(), ItemFactory()
    page = c.get(f"/catalog/items/{recommended.pk}/?via=for_you")
    assert 'name="via" value="for_you"' in page.content.decode()
    c.post(f"/catalog/items/{recommended.pk}/request/", {"motivation": "Yes", "via": "for_you"})
    c.post(f"/catalog/items/{searched.pk}/request/", {"motivation": "Yes"})
    assert dict(Enrolment.objects.filter(employee=employee).values_list("item_id", "via_for_you")) == {
        recommended.pk: True,
        searched.pk: False,
    }


def test_the_for_you_cards_link_with_their_origin(client_for, employee):
    cache.clear()  # the ranking of an earlier test with the same ids may be cached
    ItemFactory(level_basic=True, level_secondary=True, level_bachelor=True, level_master=True)
    html = client_for(employee).get("/catalog/").content.decode()
    assert "?via=for_you" in html
