"""The catalog's ratings come from the evaluations (the ITEM_RATINGS port): closed rounds only, and
the rating only ever moves by at least the minimum group, so neither watching it over time nor
subtracting a round's results page tells what fewer people answered."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from people.registry import ITEM_RATINGS, ItemRating, registry
from surveys.ports import item_ratings
from tests.catalog.factories import ItemFactory
from tests.surveys.helpers import evaluation_round

pytestmark = pytest.mark.django_db


def test_the_catalog_reads_the_surveys_provider():
    assert registry.use(ITEM_RATINGS) is item_ratings


def test_a_round_at_the_minimum_counts_and_an_open_or_small_one_does_not():
    shown, small, still_open = ItemFactory(), ItemFactory(), ItemFactory()
    evaluation_round(shown, [5, 4, 4, 3, 5])
    evaluation_round(small, [1, 1, 1, 1])
    evaluation_round(still_open, [2, 2, 2, 2, 2, 2], close=False)
    assert item_ratings() == {shown.pk: ItemRating(mean=Decimal("4.2"), respondents=5)}
    assert item_ratings([small.pk, still_open.pk]) == {}


def test_small_rounds_wait_until_together_they_reach_the_minimum():
    item = ItemFactory()
    start = timezone.now() - timedelta(days=400)
    evaluation_round(item, [5, 5, 5, 5, 5, 5], now=start)  # 6: counts alone
    assert item_ratings([item.pk])[item.pk] == ItemRating(Decimal("5.0"), 6)
    evaluation_round(item, [1, 1], now=start + timedelta(days=100))  # 2: waits
    assert item_ratings([item.pk])[item.pk] == ItemRating(Decimal("5.0"), 6)
    evaluation_round(item, [1, 1], now=start + timedelta(days=200))  # 2 + 2: still waits
    assert item_ratings([item.pk])[item.pk] == ItemRating(Decimal("5.0"), 6)
    evaluation_round(item, [2], now=start + timedelta(days=300))  # 2 + 2 + 1 = 5: now counted together
    assert item_ratings([item.pk])[item.pk] == ItemRating(Decimal("3.3"), 11)


def test_browse_and_the_item_page_show_the_rating_in_one_query(client_for, personas, django_assert_num_queries):
    rated, unrated = ItemFactory(title="Rated well"), ItemFactory(title="Not rated")
    evaluation_round(rated, [4, 4, 5, 5, 5])
    client = client_for(personas.employee)
    page = client.get(reverse("catalog:browse")).content.decode()
    assert "Rated 4.6 out of 5 in 5 evaluations" in page
    assert page.count("item-rating") == 1
    detail = client.get(reverse("catalog:item_detail", args=[rated.pk])).content.decode()
    assert "Rated 4.6 out of 5 in 5 evaluations" in detail
    assert "item-rating" not in client.get(reverse("catalog:item_detail", args=[unrated.pk])).content.decode()
    with django_assert_num_queries(1):
        item_ratings([rated.pk, unrated.pk])
