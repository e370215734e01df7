"""The comms trigger "an item added in a skill of your job group" (issue 6): the catalog's
`employees_for_item` provider narrows the triggered message to active employees whose job group
needs one of the item's skills."""

import pytest

from catalog.imports import items_import
from catalog.models import JobGroupSkill, LearningItem
from catalog.selectors import employees_for_item
from comms import services
from comms.models import Channel, CommunicationPlan, Delivery, Message, When
from people.audience import EVERYONE
from people.registry import EMPLOYEES_FOR_ITEM, registry
from tests.catalog.factories import ItemFactory, SkillFactory
from tests.factories import EmployeeFactory


def _row(key, skills):
    return {
        "provider": "LeerLab",
        "provider_key": key,
        "title": f"Course {key}",
        "format": "video",
        "levels": ["basic"],
        "duration_hours": "1",
        "skills": skills,
    }


@pytest.fixture
def forklift_agents(org, personas):
    """Agents need forklift driving; team leads need something else; one agent has left."""
    forklift, coaching = SkillFactory(name="Forklift"), SkillFactory(name="Coaching")
    JobGroupSkill.objects.create(job_group=org["agents"], skill=forklift)
    JobGroupSkill.objects.create(job_group=org["leads"], skill=coaching)
    left = EmployeeFactory(job_group=org["agents"], active=False)
    agents = {personas.employee.pk, personas.indirect_report.pk, personas.other_employee.pk}
    return agents, left


@pytest.fixture
def item_added_message(plan, plan_message):
    services.plan_message_save(
        plan=plan, message=plan_message, when=When.TRIGGER, trigger="catalog.item_added", send_at=None
    )
    services.plan_activate(plan=plan)
    return plan_message


def _recipients(message):
    return set(Delivery.objects.filter(message__parent=message).values_list("employee_id", flat=True))


def test_the_catalog_provides_employees_for_item(forklift_agents, django_assert_num_queries):
    agents, left = forklift_agents
    item = ItemFactory(skills=[SkillFactory(name="Forklift"), SkillFactory(name="Excel")])
    with django_assert_num_queries(1):
        ids = set(registry.use(EMPLOYEES_FOR_ITEM)(item))
    assert ids == agents
    assert left.pk not in ids
    assert employees_for_item(ItemFactory()) == []  # no skills: nobody


def test_only_the_job_groups_that_need_the_skill_get_the_triggered_message(
    forklift_agents, item_added_message, django_capture_on_commit_callbacks
):
    agents, left = forklift_agents
    with django_capture_on_commit_callbacks(execute=True):
        result = items_import(rows=[_row("F1", ["Forklift"])])
    assert left.pk not in _recipients(item_added_message)
    assert not result.errors
    occurrence = Message.objects.get(parent=item_added_message)
    item = LearningItem.objects.get(provider_key="F1")
    assert occurrence.key == f"trigger:{item_added_message.pk}:catalog.item_added:item-{item.pk}"
    assert _recipients(item_added_message) == agents
    # Each person once per channel.
    assert Delivery.objects.filter(message=occurrence).count() == len(agents) * 2


def test_an_item_in_nobodys_skills_reaches_nobody(
    forklift_agents, item_added_message, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        items_import(rows=[_row("X1", ["Underwater welding"])])
    assert _recipients(item_added_message) == set()


def test_a_skill_added_later_reaches_the_newly_matched_group_without_repeating(
    org, personas, forklift_agents, item_added_message, django_capture_on_commit_callbacks
):
    agents, _left = forklift_agents
    with django_capture_on_commit_callbacks(execute=True):
        items_import(rows=[_row("F2", ["Forklift"])])
    item = LearningItem.objects.get(provider_key="F2")
    with django_capture_on_commit_callbacks(execute=True):
        item.skills.add(SkillFactory(name="Coaching"))  # now the team leads need it too
    leads = {personas.manager.pk, personas.team_lead.pk, personas.outsider_manager.pk}
    assert _recipients(item_added_message) == agents | leads
    occurrence = Message.objects.get(parent=item_added_message)  # the same occurrence
    assert Delivery.objects.filter(message=occurrence).count() == len(agents | leads) * 2


@pytest.mark.django_db(transaction=True)
def test_an_item_made_without_a_transaction_still_reaches_the_job_group(org, personas):
    """A page that saves the item and then its skills in autocommit: the first announcement finds no
    skills (nobody), the skills added next announce it again, and the same occurrence reaches them."""
    forklift = SkillFactory(name="Forklift")
    JobGroupSkill.objects.create(job_group=org["agents"], skill=forklift)
    plan = CommunicationPlan.objects.create(name="New offer")
    message = Message.objects.create(
        plan=plan,
        subject="New for you",
        body="See {{ catalog_link }}",
        link="/catalog/",
        channels=[Channel.IN_APP],
        audience=EVERYONE,
        reason="People do not know the offer.",
        when=When.TRIGGER,
        trigger="catalog.item_added",
    )
    services.plan_activate(plan=plan)
    item = ItemFactory()  # autocommit: announced at once, with no skills yet
    item.skills.add(forklift)
    agents = {personas.employee.pk, personas.indirect_report.pk, personas.other_employee.pk}
    assert _recipients(message) == agents
    assert Message.objects.filter(parent=message).count() == 1
    assert Delivery.objects.filter(message__parent=message).count() == len(agents)
