"""The management pages: service errors come back as form errors, htmx edits sessions in place,
the diversity view's gaps lead to a pre-filled "add an item", and every page keeps its query count."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.models import CatalogSettings, Enrolment, JobGroupSkill, LearningItem, MandatoryRule, Session, Status
from tests.catalog.factories import EnrolmentFactory, ItemFactory, SessionFactory, SkillFactory
from tests.factories import EmployeeFactory, JobGroupFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def ld(personas, client_for):
    return client_for(personas.hr)


def _item_post(**overrides):
    data = {
        "title": "Heftruck veilig",
        "format": "classroom",
        "levels": ["basic", "secondary"],
        "language": "nl",
        "duration_hours": "8",
        "cost": "195",
        "skills": "Safe working, Logistics",
        "delivery": "on_site",
        "url": "leerlab.example/heftruck",
        "provider": "LeerLab",
        "provider_key": "H1",
        "active": "on",
    }
    return data | overrides


def test_create_an_item_through_the_page(ld):
    response = ld.post(reverse("catalog:manage_item_create"), _item_post())
    item = LearningItem.objects.get()
    # A dated format goes on to its sessions.
    assert response.url == reverse("catalog:manage_sessions", kwargs={"pk": item.pk})
    assert item.levels == ["basic", "secondary"]
    assert sorted(s.name for s in item.skills.all()) == ["Logistics", "Safe working"]
    assert item.url == "https://leerlab.example/heftruck"


def test_an_item_without_levels_is_a_form_error_and_nothing_is_saved(ld):
    response = ld.post(reverse("catalog:manage_item_create"), _item_post(levels=[]))
    assert response.status_code == 200
    assert "levels" in response.context["form"].errors
    assert LearningItem.objects.count() == 0


def test_a_taken_provider_key_is_shown_at_the_field(ld):
    ItemFactory(provider="LeerLab", provider_key="H1")
    response = ld.post(reverse("catalog:manage_item_create"), _item_post())
    assert response.context["form"].errors["provider_key"] == ["This provider already has an item with this key."]
    assert LearningItem.objects.count() == 1


def test_edit_and_deactivate_an_item(ld):
    item = ItemFactory(title="Old title")
    response = ld.post(reverse("catalog:manage_item_edit", kwargs={"pk": item.pk}), _item_post(format="video"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Heftruck veilig"
    ld.post(reverse("catalog:manage_item_deactivate", kwargs={"pk": item.pk}))
    item.refresh_from_db()
    assert item.active is False
    assert LearningItem.objects.filter(pk=item.pk).exists()


def test_the_item_list_filters_on_format_level_active_and_provider(ld):
    ItemFactory(title="Wanted", format="video", level_basic=True, provider="LeerLab")
    ItemFactory(title="Other provider", format="video", level_basic=True, provider="Acme")
    ItemFactory(title="Inactive", format="video", level_basic=True, provider="LeerLab", active=False)
    ItemFactory(title="Wrong format", format="podcast", level_basic=True, provider="LeerLab")
    response = ld.get(
        reverse("catalog:manage_items"), {"format": "video", "level": "basic", "active": "yes", "provider": "LeerLab"}
    )
    assert [i.title for i in response.context["page"]] == ["Wanted"]
    response = ld.get(reverse("catalog:manage_items"), {"active": "no"})
    assert [i.title for i in response.context["page"]] == ["Inactive"]


def _session_post(session=None, **overrides):
    start = session.starts_at if session else timezone.now() + timedelta(days=5)
    data = {
        "starts_at": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Venlo",
        "seats": "8",
    }
    return data | overrides


def test_add_a_session_in_place_with_htmx(ld):
    item = ItemFactory(format="classroom")
    url = reverse("catalog:manage_sessions", kwargs={"pk": item.pk})
    response = ld.post(url, _session_post(), headers=HTMX)
    session = Session.objects.get()
    assert response.status_code == 200
    assert f'id="session-{session.pk}"' in response.text
    # A bad one: the form comes back with its errors, retargeted away from the table.
    response = ld.post(url, _session_post(seats="0"), headers=HTMX)
    assert response["HX-Retarget"] == "#session-add"
    assert "seats" in response.context["form"].errors
    assert Session.objects.count() == 1


def test_lowering_seats_below_the_bookings_is_a_clear_form_error(ld, personas):
    session = SessionFactory(seats=4)
    for person in (personas.employee, personas.other_employee):
        EnrolmentFactory(employee=person, item=session.item, session=session, status=Status.APPROVED)
    url = reverse("catalog:manage_session_edit", kwargs={"pk": session.pk})
    response = ld.post(url, _session_post(session, seats="1"), headers=HTMX)
    assert response.status_code == 200
    assert response.context["form"].errors["seats"] == ["2 people have booked this session: it needs at least 2 seats."]
    assert "2 people have booked this session" in response.text
    session.refresh_from_db()
    assert session.seats == 4
    response = ld.post(url, _session_post(session, seats="2"), headers=HTMX)
    session.refresh_from_db()
    assert session.seats == 2
    assert 'role="status"' in response.text


def test_cancel_a_session_in_place(ld, personas):
    session = SessionFactory()
    enrolment = EnrolmentFactory(employee=personas.employee, item=session.item, session=session)
    response = ld.post(reverse("catalog:manage_session_cancel", kwargs={"pk": session.pk}), headers=HTMX)
    assert "1 booking was cancelled" in response.text
    enrolment.refresh_from_db()
    assert enrolment.status == Status.CANCELLED
    session.refresh_from_db()
    assert session.cancelled_at is not None
    # Cancelled sessions are no longer offered on the item's page.
    item_page = ld.get(reverse("catalog:item_detail", kwargs={"pk": session.item_id}))
    assert list(item_page.context["sessions"]) == []


def test_mandatory_rule_pages(ld, personas):
    item = ItemFactory()
    response = ld.post(
        reverse("catalog:manage_rule_create"),
        {"item": item.pk, "audience_kind": "job_group", "starts_on": "2026-01-01", "due_days": "30"},
    )
    assert response.context["form"].errors["audience"] == ["Choose the job group."]
    assert MandatoryRule.objects.count() == 0
    ld.post(
        reverse("catalog:manage_rule_create"),
        {
            "item": item.pk,
            "audience_kind": "job_group",
            "audience_job_group": personas.employee.job_group_id,
            "starts_on": "2026-01-01",
            "due_days": "30",
            "renewal_months": "12",
            "active": "on",
        },
    )
    rule = MandatoryRule.objects.get()
    assert (rule.audience_job_group_id, rule.renewal_months) == (personas.employee.job_group_id, 12)
    ld.post(
        reverse("catalog:manage_rule_edit", kwargs={"pk": rule.pk}),
        {
            "item": item.pk,
            "audience_kind": "everyone",
            "audience_job_group": personas.employee.job_group_id,  # left over from the job group: dropped
            "starts_on": "2026-02-01",
            "due_days": "10",
            "active": "on",
        },
    )
    rule.refresh_from_db()
    assert (rule.audience_kind, rule.audience_job_group_id, rule.due_days) == ("everyone", None, 10)
    ld.post(reverse("catalog:manage_rule_delete", kwargs={"pk": rule.pk}))
    assert MandatoryRule.objects.count() == 0


def test_job_group_skills_and_threshold_pages(ld, personas, threshold):
    group = personas.employee.job_group
    ld.post(reverse("catalog:manage_job_group_skills", kwargs={"pk": group.pk}), {"skills": "Empathy, Planning"})
    assert sorted(JobGroupSkill.objects.filter(job_group=group).values_list("skill__name", flat=True)) == [
        "Empathy",
        "Planning",
    ]
    response = ld.post(reverse("catalog:manage_settings"), {"approval_threshold": "-1"})
    assert "approval_threshold" in response.context["form"].errors
    assert CatalogSettings.current().approval_threshold == Decimal("100.00")
    ld.post(reverse("catalog:manage_settings"), {"approval_threshold": "75.50"})
    assert CatalogSettings.current().approval_threshold == Decimal("75.50")


def test_diversity_gaps_link_to_a_prefilled_add_an_item(ld, personas):
    skill = SkillFactory(name="Data literacy")
    JobGroupSkill.objects.create(job_group=personas.employee.job_group, skill=skill)
    ItemFactory(format="video", level_master=True, level_secondary=False, skills=[skill])
    response = ld.get(reverse("catalog:diversity"))
    create = reverse("catalog:manage_item_create")
    assert f'href="{create}?format=podcast"' in response.text
    level = personas.employee.education_level
    assert f'href="{create}?skills=Data+literacy&amp;levels={level}"' in response.text
    form = ld.get(create, {"skills": "Data literacy", "levels": level, "format": "podcast"}).context["form"]
    assert (form.initial["skills"], form.initial["levels"], form.initial["format"]) == (
        "Data literacy",
        [level],
        "podcast",
    )


def test_manage_the_offer_is_in_the_manage_navigation_for_ld_staff_only(ld, personas, client_for):
    url = reverse("catalog:manage_items")
    assert f'href="{url}"' in ld.get("/").text
    assert f'href="{url}"' not in client_for(personas.manager).get("/").text


# --- query counts ------------------------------------------------------------------------------


def _grow(personas, rounds, item, rule_item):
    for n in range(rounds):
        other = ItemFactory(format="classroom", provider=f"Provider {n % 3}", skills=[SkillFactory(), SkillFactory()])
        SessionFactory(item=other)
        start = timezone.now() + timedelta(days=10 + n)
        session = Session.objects.create(item=item, starts_at=start, ends_at=start + timedelta(hours=1), seats=5)
        Enrolment.objects.create(
            employee=EmployeeFactory(), item=item, session=session, motivation="x", status=Status.COMPLETED
        )
        MandatoryRule.objects.create(item=rule_item, audience_kind="everyone", starts_on=date(2026, 1, 1), due_days=30)
        group = JobGroupFactory()
        JobGroupSkill.objects.create(job_group=group, skill=SkillFactory())


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def test_every_management_page_keeps_its_query_count_as_the_data_grows(ld, personas, threshold):
    item = ItemFactory(format="classroom", skills=[SkillFactory()])
    rule_item = ItemFactory()
    _grow(personas, 2, item, rule_item)
    session = item.sessions.first()
    rule = MandatoryRule.objects.first()
    pages = [
        reverse("catalog:manage_items"),
        reverse("catalog:manage_items") + "?q=Item&format=classroom&level=secondary&active=yes&provider=Provider+1",
        reverse("catalog:manage_item_create"),
        reverse("catalog:manage_item_edit", kwargs={"pk": item.pk}),
        reverse("catalog:manage_sessions", kwargs={"pk": item.pk}),
        reverse("catalog:manage_session_edit", kwargs={"pk": session.pk}),
        reverse("catalog:manage_rules"),
        reverse("catalog:manage_rule_create"),
        reverse("catalog:manage_rule_edit", kwargs={"pk": rule.pk}),
        reverse("catalog:manage_job_groups"),
        reverse("catalog:manage_job_group_skills", kwargs={"pk": personas.employee.job_group_id}),
        reverse("catalog:manage_settings"),
    ]
    for url in pages:  # warm the session and the settings row
        _count(ld, url)
    small = {url: _count(ld, url) for url in pages}
    _grow(personas, 30, item, rule_item)
    large = {url: _count(ld, url) for url in pages}
    assert large == small


def test_the_management_pages_speak_dutch(ld, personas, settings):
    ld.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    item = ItemFactory(format="classroom")
    assert "Aanbod beheren" in ld.get(reverse("catalog:manage_items")).text
    page = ld.get(reverse("catalog:manage_sessions", kwargs={"pk": item.pk})).text
    assert f"Sessies van {item.title}" in page
    assert "Sessie toevoegen" in page
    response = ld.post(reverse("catalog:manage_item_create"), _item_post(levels=[], title="x"))
    assert "Opleidingsniveaus waarbij het past" in response.text
