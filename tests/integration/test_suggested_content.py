"""A learning moment's suggested content (issue 7): catalog items checked when the moment is saved,
shown with links on the moment page and in the reminder, through the catalog's
`learning_items_lookup` (policy stands on a floor above the catalog)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import LearningItem
from comms.models import Message
from policy.models import LearningMoment
from policy.reminders import reminder_key, reminder_send, reminders_tick
from policy.services import moment_update
from tests.catalog.factories import ItemFactory

START = datetime(2026, 1, 13, 8, tzinfo=UTC)  # the second Tuesday of the moments below


def _form_data(org, ids):
    return {
        "title": "Friday learning",
        "audience_kind": "department",
        "audience_department": org["service"].pk,
        "rrule": "FREQ=WEEKLY;BYDAY=FR",
        "starts_on": "2026-01-02",
        "start_time": "15:00",
        "timezone": "Europe/Amsterdam",
        "duration_minutes": "30",
        "reminder_offsets": "1440, 15",
        "suggested_item_ids": ids,
        "active": "on",
    }


def test_unknown_or_inactive_items_are_refused_with_a_form_error(client_for, hr, org):
    good = ItemFactory(title="Feedback in five minutes")
    retired = ItemFactory(title="Old course", active=False)
    unknown = LearningItem.objects.order_by("-pk").values_list("pk", flat=True).first() + 100
    client = client_for(hr)
    page = client.post(reverse("policy:moment_create"), _form_data(org, f"{good.pk}, {retired.pk}, {unknown}"))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.errors["suggested_item_ids"] == [f"No active catalog items have numbers {retired.pk}, {unknown}."]
    assert 'id="id_suggested_item_ids"' in page.content.decode()
    page = client.post(reverse("policy:moment_create"), _form_data(org, str(retired.pk)))
    assert page.context["form"].errors["suggested_item_ids"] == [f"No active catalog item has number {retired.pk}."]
    assert not LearningMoment.objects.exists()
    ok = client.post(reverse("policy:moment_create"), _form_data(org, f"{good.pk}, {good.pk}"))
    assert ok.status_code == 302
    assert LearningMoment.objects.get().suggested_item_ids == [good.pk]  # each once


def test_an_update_to_an_inactive_item_changes_nothing(make_moment):
    good, retired = ItemFactory(), ItemFactory(active=False)
    moment = make_moment(suggested_item_ids=[good.pk])
    with pytest.raises(ValidationError) as refused:
        moment_update(moment=moment, suggested_item_ids=[good.pk, retired.pk])
    assert "suggested_item_ids" in refused.value.message_dict
    moment.refresh_from_db()
    assert moment.suggested_item_ids == [good.pk]


def test_the_moment_page_links_the_suggested_items_in_order(client_for, employee, make_moment):
    first = ItemFactory(title="Giving feedback")
    second = ItemFactory(title="Listening well")
    moment = make_moment(suggested_item_ids=[second.pk, first.pk], suggested_content="Read the team wiki")
    LearningItem.objects.filter(pk=first.pk).update(active=False)  # retired after the moment was saved
    html = client_for(employee).get(reverse("policy:moment_detail", args=[moment.pk])).content.decode()
    link = reverse("catalog:item_detail", args=[second.pk])
    assert f'<a href="{link}">Listening well</a>' in html
    assert "Giving feedback" not in html
    assert "Read the team wiki" in html
    assert client_for(employee).get(link).status_code == 200  # the link works for an employee


def test_the_moment_page_runs_a_constant_number_of_queries(
    client_for, employee, make_moment, django_assert_num_queries
):
    moment = make_moment(suggested_item_ids=[ItemFactory().pk])
    client = client_for(employee)
    url = reverse("policy:moment_detail", args=[moment.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    moment_update(moment=moment, suggested_item_ids=[ItemFactory().pk for _i in range(8)])
    with django_assert_num_queries(len(small)):
        page = client.get(url)
    assert page.content.decode().count('href="/catalog/items/') == 8


def test_the_reminder_lists_the_suggested_items_with_links(make_moment, personas):
    item = ItemFactory(title="Micro-learning of the week")
    moment = make_moment(starts_on=date(2026, 1, 6), suggested_item_ids=[item.pk], suggested_content="Bring a question")
    sent = []
    now = START - timedelta(days=1)
    reminders_tick(now=now, enqueue=lambda run_id: sent.append(reminder_send(run_id=run_id, now=now)))
    assert "sent" in sent
    body = Message.objects.get(key=reminder_key(moment.pk, START, 1440)).body
    url = settings.SITE_URL.rstrip("/") + reverse("catalog:item_detail", args=[item.pk])
    assert f"- Micro-learning of the week: {url}" in body
    assert "- Bring a question" in body
