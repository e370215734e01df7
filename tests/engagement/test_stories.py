"""Stories (issue 19): an employee writes what a completed training changed; L&D publishes or
rejects it (with a reason the writer reads in their language); the writer may withdraw it.
Publishing counts on the activity ledger (its rules and caps apply) and taking a published story
back reverses that line. Published stories show on the item's page, beside "for you" and on the
home page of the writer's job group, each page in a constant number of queries."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Enrolment, Status
from comms.models import Delivery
from engagement.models import Activity, ActivityKind, Outcome, Story, StoryState
from engagement.services import story_publish, story_reject, story_submit, story_withdraw
from engagement.story_selectors import published_stories
from tests.catalog.factories import ItemFactory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def _completed(employee, item=None):
    item = item or ItemFactory()
    Enrolment.objects.create(employee=employee, item=item, motivation="x", status=Status.COMPLETED)
    return item


def _story(employee, item=None, **kwargs):
    item = item or _completed(employee)
    fields = {"effect": "faster", "text": "I answer customers in half the time.", **kwargs}
    return story_submit(writer=employee, item_id=item.pk, **fields)


def _points(employee):
    return sum(Activity.objects.filter(employee=employee, kind=ActivityKind.STORY).values_list("points", flat=True))


# --- writing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"effect": "quicker"}, "effect"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 601}, "text"),
    ],
)
def test_a_story_needs_an_effect_and_a_few_lines(employee, change, field):
    with pytest.raises(ValidationError) as error:
        _story(employee, **change)
    assert list(error.value.message_dict) == [field]
    assert not Story.objects.exists()


def test_a_story_is_about_a_training_the_writer_completed(employee):
    started = ItemFactory()
    Enrolment.objects.create(employee=employee, item=started, motivation="x", status=Status.STARTED)
    with pytest.raises(ValidationError) as error:
        story_submit(writer=employee, item_id=started.pk, effect="better", text="Already better.")
    assert "item" in error.value.message_dict
    assert not Story.objects.exists()


def test_one_live_story_per_training_a_new_one_after_withdrawing(employee):
    first = _story(employee)
    with pytest.raises(ValidationError):
        _story(employee, item=first.item)
    story_withdraw(story_id=first.pk, writer=employee)
    assert _story(employee, item=first.item).state == StoryState.SUBMITTED


def test_the_form_shows_errors_and_stores_nothing(client_for, employee):
    _completed(employee)
    response = client_for(employee).post(reverse("engagement:stories_mine"), {"effect": "smarter", "text": ""})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"item", "text"}
    assert not Story.objects.exists()


def test_the_form_sends_a_story_for_moderation(client_for, employee):
    item = _completed(employee)
    data = {"item": item.pk, "effect": "smarter", "text": "I plan my week.", "quote_with_name": "on"}
    response = client_for(employee).post(reverse("engagement:stories_mine"), data)
    assert response.status_code == 302
    story = Story.objects.get()
    assert (story.writer, story.item, story.effect, story.state, story.quote_with_name) == (
        employee,
        item,
        "smarter",
        StoryState.SUBMITTED,
        True,
    )


# --- moderation and the ledger -------------------------------------------------------------------


def test_publishing_counts_once_on_the_ledger(employee, hr):
    story = _story(employee)
    story_publish(story_id=story.pk, by=hr)
    with pytest.raises(ValidationError):
        story_publish(story_id=story.pk, by=hr)
    line = Activity.objects.get(employee=employee, kind=ActivityKind.STORY)
    assert (line.points, line.outcome, line.source) == (5, Outcome.COUNTED, f"story:{story.pk}")
    told = Delivery.objects.filter(employee=employee, message__key__startswith="engagement.story_published")
    assert {d.message.subject for d in told} == {"Your story is published"}


def test_the_daily_cap_applies_to_stories(employee, hr):
    for _n in range(2):
        story_publish(story_id=_story(employee).pk, by=hr)
    assert sorted(Activity.objects.filter(employee=employee).values_list("outcome", flat=True)) == [
        Outcome.CAPPED,
        Outcome.COUNTED,
    ]
    assert _points(employee) == 5


def test_a_rejection_needs_a_reason_and_tells_the_writer_in_their_language(employee, hr):
    employee.locale = "nl"
    employee.save(update_fields=["locale"])
    story = _story(employee)
    with pytest.raises(ValidationError):
        story_reject(story_id=story.pk, by=hr, reason=" ")
    story.refresh_from_db()
    assert story.state == StoryState.SUBMITTED
    story_reject(story_id=story.pk, by=hr, reason="Zonder klantnamen graag.")
    story.refresh_from_db()
    assert (story.state, story.reason, story.decided_by) == (StoryState.REJECTED, "Zonder klantnamen graag.", hr)
    sent = Delivery.objects.filter(employee=employee, message__key__startswith="engagement.story_rejected")
    assert {d.message.key for d in sent} == {f"engagement.story_rejected:{story.pk}:nl"}
    body = sent[0].message.body
    assert "Zonder klantnamen graag." in body
    assert "niet gepubliceerd" in body
    assert not Activity.objects.filter(employee=employee).exists()


def test_taking_a_published_story_down_reverses_its_points(employee, hr):
    story = _story(employee)
    story_publish(story_id=story.pk, by=hr)
    story_reject(story_id=story.pk, by=hr, reason="A customer's name is in it.")
    lines = list(Activity.objects.filter(employee=employee).order_by("pk").values_list("points", "outcome"))
    assert lines == [(5, Outcome.COUNTED), (-5, Outcome.REVERSAL)]


def test_the_writer_withdraws_and_a_published_story_loses_its_points(employee, other_employee, hr):
    story = _story(employee)
    story_publish(story_id=story.pk, by=hr)
    with pytest.raises(ValidationError):
        story_withdraw(story_id=story.pk, writer=other_employee)
    story_withdraw(story_id=story.pk, writer=employee)
    assert Story.objects.get().state == StoryState.WITHDRAWN
    assert _points(employee) == 0
    with pytest.raises(ValidationError):
        story_publish(story_id=story.pk, by=hr)  # withdrawn is final


def test_moderation_through_the_pages(client_for, employee, hr):
    waiting, later = _story(employee), _story(employee)
    c = client_for(hr)
    page = c.get(reverse("engagement:stories_moderate"))
    assert [s.pk for s in page.context["waiting"]] == [waiting.pk, later.pk]
    assert c.post(reverse("engagement:story_publish", args=[waiting.pk])).status_code == 302
    refused = c.post(reverse("engagement:story_reject", args=[later.pk]), {f"s{later.pk}-reason": ""})
    assert refused.status_code == 400
    assert "reason" in refused.context["waiting"][0].reject_form.errors
    assert (
        c.post(reverse("engagement:story_reject", args=[later.pk]), {f"s{later.pk}-reason": "Too short"}).status_code
        == 302
    )
    assert dict(Story.objects.values_list("pk", "state")) == {
        waiting.pk: StoryState.PUBLISHED,
        later.pk: StoryState.REJECTED,
    }


# --- where published stories show ------------------------------------------------------------


def test_published_stories_name_the_writer_only_when_they_agreed(employee, other_employee, hr):
    item = ItemFactory()
    named = _story(employee, item=_completed(employee, item), quote_with_name=True)
    anonymous = _story(other_employee, item=_completed(other_employee, item))
    waiting = _story(EmployeeFactory(job_group=employee.job_group), item=None)
    for story in (named, anonymous):
        story_publish(story_id=story.pk, by=hr)
    by_item = published_stories(item_ids=[item.pk], limit=5)
    assert {(s.story_id, s.writer) for s in by_item} == {(named.pk, "Zoë de Vries"), (anonymous.pk, None)}
    by_group = published_stories(job_group_id=employee.job_group_id, limit=5)
    assert {s.story_id for s in by_group} == {named.pk, anonymous.pk}  # both agents; not the waiting one
    assert waiting.pk not in {s.story_id for s in by_group}
    assert published_stories(job_group_id=hr.job_group_id or -1) == []
    assert published_stories() == []


def _published(writer, hr, **kwargs):
    story = _story(writer, **kwargs)
    story_publish(story_id=story.pk, by=hr)
    return story


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


def test_the_item_page_shows_its_stories_in_constant_queries(client_for, employee, other_employee, hr):
    item = ItemFactory()
    _published(employee, hr, item=_completed(employee, item), quote_with_name=True)
    c = client_for(other_employee)
    url = reverse("catalog:item_detail", args=[item.pk])
    small, response = _count(c, url)
    assert "I answer customers in half the time." in response.content.decode()
    assert "Zoë de Vries" in response.content.decode()
    for _n in range(6):
        writer = EmployeeFactory()
        _published(writer, hr, item=_completed(writer, item))
    large, response = _count(c, url)
    assert large == small
    assert response.content.decode().count("blockquote-footer") == 5


def test_the_home_page_shows_stories_of_the_same_job_group(client_for, personas, hr):
    employee, other = personas.employee, personas.other_employee  # both agents, different departments
    story = _published(other, hr)
    home = client_for(employee).get("/").content.decode()
    assert "I answer customers in half the time." in home
    assert "a colleague" in home
    manager_home = client_for(personas.manager).get("/").content.decode()  # a team lead: another job group
    assert "I answer customers in half the time." not in manager_home
    story_withdraw(story_id=story.pk, writer=other)
    assert "I answer customers in half the time." not in client_for(employee).get("/").content.decode()


def test_my_stories_and_moderation_pages_keep_their_query_counts(client_for, employee, hr):
    _story(employee)
    _published(employee, hr)
    mine, moderate = client_for(employee), client_for(hr)
    small = (
        _count(mine, reverse("engagement:stories_mine"))[0],
        _count(moderate, reverse("engagement:stories_moderate"))[0],
    )
    for _n in range(8):
        writer = EmployeeFactory()
        _story(writer)
        _published(writer, hr)
        _story(employee)
        _published(employee, hr)
    large = (
        _count(mine, reverse("engagement:stories_mine"))[0],
        _count(moderate, reverse("engagement:stories_moderate"))[0],
    )
    assert large == small


def test_for_you_shows_stories_about_the_recommended_items_in_constant_queries(
    client_for, employee, other_employee, hr
):
    item = ItemFactory(title="Calm conversations")
    _published(employee, hr, item=_completed(employee, item), text="Angry callers calm down sooner.")
    c = client_for(other_employee)
    small, response = _count(c, reverse("catalog:home"))
    page = response.content.decode()
    assert "Angry callers calm down sooner." in page
    assert "Calm conversations" in page
    for _n in range(5):
        writer = EmployeeFactory()
        _published(writer, hr, item=_completed(writer, item))
    large, response = _count(c, reverse("catalog:home"))
    assert large == small
    assert response.content.decode().count("blockquote-footer") == 4


def test_my_activity_says_a_story_was_taken_back(client_for, employee, hr):
    story = _published(employee, hr)
    story_withdraw(story_id=story.pk, writer=employee)
    page = client_for(employee).get(reverse("engagement:mine")).content.decode()
    assert "Reversed: the story was taken back" in page
    assert "the enrolment was cancelled" not in page


def test_catalog_and_comms_read_well_without_a_stories_provider(client_for, employee, hr, monkeypatch):
    """The port is optional: without engagement, the item page shows no stories and a quote block
    quotes nothing rather than failing."""
    from comms import rendering
    from people.registry import PUBLISHED_STORIES, registry

    item = ItemFactory()
    story = _published(employee, hr, item=_completed(employee, item))
    monkeypatch.delitem(registry.providers, PUBLISHED_STORIES.name)
    page = client_for(employee).get(reverse("catalog:item_detail", args=[item.pk]))
    assert page.status_code == 200
    assert page.context["stories"] == []
    body = rendering.render(
        f"{{{{ story:{story.pk} }}}}", rendering.placeholder_values(employee, {f"story:{story.pk}"})
    )
    assert body == ""
