"""L&D staff's writes to the offer: items, sessions, mandatory rules, job-group skills and the
approval threshold. Each bad input is refused with a field error and changes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalog import services
from catalog.models import (
    CatalogSettings,
    Enrolment,
    JobGroupSkill,
    LearningItem,
    MandatoryRule,
    Session,
    Skill,
    Status,
)
from catalog.selectors import CATALOG_VERSION_KEY, for_you
from people.audience import EVERYONE, Audience
from people.audience import AudienceKind as K
from people.signals import domain_event
from tests.catalog.factories import EnrolmentFactory, ItemFactory, SessionFactory, SkillFactory
from tests.factories import DepartmentFactory, EmployeeFactory, JobGroupFactory

pytestmark = pytest.mark.django_db


def item_fields(**overrides):
    fields = {
        "title": "Forklift safety",
        "format": "classroom",
        "levels": ["basic", "secondary"],
        "duration_hours": Decimal("8"),
        "description": "Drive safely.",
        "provider": "LeerLab",
        "provider_key": "L1",
        "language": "nl",
        "cost": Decimal("195"),
        "skills": ["Safe working", "safe working", " Logistics "],
        "delivery": "on_site",
        "url": "https://leerlab.example/l1",
        "active": True,
    }
    return fields | overrides


@pytest.fixture
def events():
    seen = []

    def receiver(sender, name, **kwargs):
        seen.append((name, kwargs))

    domain_event.connect(receiver, weak=False, dispatch_uid="test_manage_events")
    yield seen
    domain_event.disconnect(dispatch_uid="test_manage_events")


def test_item_create_saves_every_field_with_skills_as_tags_and_announces_it(events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = services.item_create(**item_fields())
    item.refresh_from_db()
    assert (item.title, item.format, item.levels, item.delivery, item.cost) == (
        "Forklift safety",
        "classroom",
        ["basic", "secondary"],
        "on_site",
        Decimal("195.00"),
    )
    assert sorted(s.name for s in item.skills.all()) == ["Logistics", "Safe working"]
    added = [kw["item"].pk for name, kw in events if name == "catalog.item_added"]
    assert added == [item.pk]


def test_item_create_bumps_the_ranking_cache_version(django_capture_on_commit_callbacks):
    cache.delete(CATALOG_VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        services.item_create(**item_fields())
    assert cache.get(CATALOG_VERSION_KEY) is not None


def test_a_new_item_shows_up_in_a_cached_for_you_ranking(personas, django_capture_on_commit_callbacks):
    before = for_you(employee=personas.employee, limit=50)
    with django_capture_on_commit_callbacks(execute=True):
        item = services.item_create(**item_fields(levels=[personas.employee.education_level], format="video"))
    after = for_you(employee=personas.employee, limit=50)
    assert item.pk not in [r.item.pk for r in before]
    assert item.pk in [r.item.pk for r in after]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"levels": []}, "levels"),
        ({"levels": ["phd"]}, "levels"),
        ({"title": "  "}, "title"),
        ({"format": "telepathy"}, "format"),
        ({"duration_hours": Decimal("0")}, "duration_hours"),
        ({"cost": Decimal("-1")}, "cost"),
        ({"url": "not a link"}, "url"),
        ({"skills": ["x" * 101]}, "skills"),
    ],
)
def test_item_create_refuses_bad_input_and_writes_nothing(overrides, field):
    with pytest.raises(ValidationError) as exc:
        services.item_create(**item_fields(**overrides))
    assert field in exc.value.message_dict
    assert LearningItem.objects.count() == 0
    assert Skill.objects.count() == 0


def test_item_create_refuses_a_provider_key_taken_by_another_item():
    ItemFactory(provider="LeerLab", provider_key="L1")
    with pytest.raises(ValidationError) as exc:
        services.item_create(**item_fields())
    assert "provider_key" in exc.value.message_dict
    assert LearningItem.objects.count() == 1


def test_item_update_changes_fields_and_replaces_the_skills(events, django_capture_on_commit_callbacks):
    item = ItemFactory(skills=[SkillFactory(name="Old skill")])
    with django_capture_on_commit_callbacks(execute=True):
        services.item_update(item=item, **item_fields(title="Renamed", skills=["New skill"], levels=["master"]))
    item.refresh_from_db()
    assert item.title == "Renamed"
    assert item.levels == ["master"]
    assert [s.name for s in item.skills.all()] == ["New skill"]
    # A skill added to an existing item is news for comms too.
    assert [kw["item"].pk for name, kw in events if name == "catalog.item_added"] == [item.pk]


def test_item_update_with_bad_input_changes_nothing():
    item = ItemFactory(title="Kept", skills=[SkillFactory(name="Kept skill")])
    with pytest.raises(ValidationError) as exc:
        services.item_update(item=item, **item_fields(title="Changed", levels=[], skills=["Other"]))
    assert "levels" in exc.value.message_dict
    item.refresh_from_db()
    assert item.title == "Kept"
    assert [s.name for s in item.skills.all()] == ["Kept skill"]
    assert not Skill.objects.filter(name="Other").exists()


def test_item_deactivate_keeps_the_item_and_its_enrolments(personas):
    item = ItemFactory()
    enrolment = EnrolmentFactory(employee=personas.employee, item=item, status=Status.APPROVED)
    services.item_deactivate(item=item)
    item.refresh_from_db()
    enrolment.refresh_from_db()
    assert item.active is False
    assert enrolment.status == Status.APPROVED


# --- sessions ----------------------------------------------------------------------------------


def _times(days=10):
    start = timezone.now() + timedelta(days=days)
    return start, start + timedelta(hours=3)


def test_session_create_for_a_dated_item():
    item = ItemFactory(format="classroom")
    start, end = _times()
    session = services.session_create(item=item, starts_at=start, ends_at=end, seats=12, place=" Venlo ")
    assert (session.item_id, session.seats, session.place) == (item.pk, 12, "Venlo")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"seats": 0}, "seats"),
        ({"ends_at": timezone.now()}, "ends_at"),
        ({"format": "elearning"}, "starts_at"),
    ],
)
def test_session_create_refuses_bad_input(change, field):
    item = ItemFactory(format=change.pop("format", "classroom"))
    start, end = _times()
    kwargs = {"item": item, "starts_at": start, "ends_at": end, "seats": 5, "place": ""} | change
    with pytest.raises(ValidationError) as exc:
        services.session_create(**kwargs)
    assert field in exc.value.message_dict
    assert Session.objects.count() == 0


def test_session_cannot_get_fewer_seats_than_booked(personas):
    session = SessionFactory(seats=5)
    for person in (personas.employee, personas.other_employee, personas.manager):
        EnrolmentFactory(employee=person, item=session.item, session=session, status=Status.APPROVED)
    EnrolmentFactory(employee=personas.team_lead, item=session.item, session=session, status=Status.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        services.session_update(
            session=session, starts_at=session.starts_at, ends_at=session.ends_at, seats=2, place="Elsewhere"
        )
    assert "3 people have booked this session" in exc.value.message_dict["seats"][0]
    session.refresh_from_db()
    assert (session.seats, session.place) == (5, "Venlo")
    # Exactly as many seats as booked is fine (cancelled bookings do not count).
    services.session_update(session=session, starts_at=session.starts_at, ends_at=session.ends_at, seats=3, place="")
    session.refresh_from_db()
    assert session.seats == 3


def test_session_cancel_cancels_its_bookings_and_takes_it_off_the_offer(personas):
    session = SessionFactory(seats=5)
    booked = EnrolmentFactory(employee=personas.employee, item=session.item, session=session, status=Status.APPROVED)
    done = EnrolmentFactory(employee=personas.manager, item=session.item, session=session, status=Status.COMPLETED)
    assert services.session_cancel(session=session) == 1
    booked.refresh_from_db()
    done.refresh_from_db()
    assert booked.status == Status.CANCELLED
    assert done.status == Status.COMPLETED
    with pytest.raises(ValidationError):
        services.session_cancel(session=session)
    with pytest.raises(ValidationError) as exc:
        services.enrolment_request(
            employee=personas.other_employee, item=session.item, session=session, motivation="Please"
        )
    assert "session" in exc.value.message_dict
    assert not Enrolment.objects.filter(employee=personas.other_employee).exists()


def test_an_item_with_only_cancelled_sessions_needs_no_session_to_request(personas, threshold):
    session = SessionFactory(item__cost=Decimal("500"))
    services.session_cancel(session=session)
    enrolment = services.enrolment_request(employee=personas.employee, item=session.item, motivation="Please")
    assert enrolment.session is None


# --- mandatory rules ---------------------------------------------------------------------------


def test_mandatory_rule_create_update_and_delete():
    item = ItemFactory()
    department = DepartmentFactory()
    rule = services.mandatory_rule_create(
        item=item, audience=Audience.of(K.DEPARTMENT, department=department), starts_on=date(2026, 1, 1), due_days=30
    )
    assert (rule.audience_department_id, rule.audience_job_group_id, rule.renewal_months) == (department.pk, None, None)
    group = JobGroupFactory()
    services.mandatory_rule_update(
        rule=rule,
        item=item,
        audience=Audience(K.JOB_GROUP, department_id=department.pk, job_group_id=group.pk),  # the department is dropped
        starts_on=date(2026, 2, 1),
        due_days=14,
        renewal_months=12,
    )
    rule.refresh_from_db()
    assert (rule.audience_kind, rule.audience_department_id, rule.audience_job_group_id, rule.renewal_months) == (
        "job_group",
        None,
        group.pk,
        12,
    )
    services.mandatory_rule_delete(rule=rule)
    assert MandatoryRule.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"audience": Audience(K.DEPARTMENT)}, "audience_department"),
        ({"audience": Audience(K.JOB_GROUP)}, "audience_job_group"),
        ({"audience": Audience("planet")}, "audience_kind"),
        ({"due_days": -1}, "due_days"),
        ({"renewal_months": 0}, "renewal_months"),
        ({"starts_on": None}, "starts_on"),
    ],
)
def test_mandatory_rule_refuses_bad_input_and_changes_nothing(overrides, field):
    item = ItemFactory()
    rule = services.mandatory_rule_create(item=item, audience=EVERYONE, starts_on=date(2026, 1, 1), due_days=30)
    kwargs = {"item": item, "audience": EVERYONE, "starts_on": date(2026, 3, 1), "due_days": 10} | overrides
    with pytest.raises(ValidationError) as exc:
        services.mandatory_rule_create(**kwargs)
    assert field in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.mandatory_rule_update(rule=rule, **kwargs)
    rule.refresh_from_db()
    assert MandatoryRule.objects.count() == 1
    assert (rule.audience_kind, rule.starts_on, rule.due_days) == ("everyone", date(2026, 1, 1), 30)


# --- skills per job group and the threshold ----------------------------------------------------


def test_job_group_skills_set_replaces_the_set_and_bumps_the_rankings(django_capture_on_commit_callbacks):
    group = JobGroupFactory()
    kept, dropped = SkillFactory(name="Kept"), SkillFactory(name="Dropped")
    JobGroupSkill.objects.create(job_group=group, skill=kept)
    JobGroupSkill.objects.create(job_group=group, skill=dropped)
    cache.delete(CATALOG_VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        services.job_group_skills_set(job_group=group, skills=["kept", "Brand new", "Brand New"])
    assert sorted(JobGroupSkill.objects.filter(job_group=group).values_list("skill__name", flat=True)) == [
        "Brand new",
        "Kept",
    ]
    assert cache.get(CATALOG_VERSION_KEY) is not None


def test_job_group_skills_set_with_a_bad_name_changes_nothing():
    group = JobGroupFactory()
    JobGroupSkill.objects.create(job_group=group, skill=SkillFactory(name="Kept"))
    with pytest.raises(ValidationError) as exc:
        services.job_group_skills_set(job_group=group, skills=["Fine", "y" * 101])
    assert "skills" in exc.value.message_dict
    assert list(JobGroupSkill.objects.filter(job_group=group).values_list("skill__name", flat=True)) == ["Kept"]
    assert not Skill.objects.filter(name="Fine").exists()


def test_catalog_settings_update_sets_the_threshold_and_refuses_a_negative_one(threshold):
    services.catalog_settings_update(approval_threshold=Decimal("250"))
    assert CatalogSettings.current().approval_threshold == Decimal("250.00")
    with pytest.raises(ValidationError) as exc:
        services.catalog_settings_update(approval_threshold=Decimal("-5"))
    assert "approval_threshold" in exc.value.message_dict
    assert CatalogSettings.current().approval_threshold == Decimal("250.00")


def test_employees_are_unaffected_by_a_department_rule_elsewhere():
    # A sanity check that the rule's scope is what the service saved, through mandatory_due.
    from catalog.selectors import mandatory_due

    item = ItemFactory()
    inside, outside = DepartmentFactory(), DepartmentFactory()
    services.mandatory_rule_create(
        item=item, audience=Audience.of(K.DEPARTMENT, department=inside), starts_on=date(2026, 1, 1), due_days=30
    )
    a = EmployeeFactory(department=inside)
    b = EmployeeFactory(department=outside)
    dues = mandatory_due([a, b], today=date(2026, 6, 1))
    assert [d.rule.item_id for d in dues.get(a.pk, [])] == [item.pk]
    assert dues.get(b.pk, []) == []
