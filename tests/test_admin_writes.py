"""Every admin of our models writes through the services or shows only: no ModelAdmin saves a
form straight to the database (issue 11)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from people.admin_base import ReadOnlyAdmin, ServiceAdmin

OURS = {"people", "hris", "catalog", "comms", "budgets", "policy", "surveys", "monitoring", "ops", "goals", "adoption"}


def _ours():
    return [
        (model, model_admin) for model, model_admin in admin.site._registry.items() if model._meta.app_label in OURS
    ]


def test_every_admin_of_ours_writes_through_services_or_only_shows():
    assert _ours()
    wrong = [
        model.__name__ for model, model_admin in _ours() if not isinstance(model_admin, ServiceAdmin | ReadOnlyAdmin)
    ]
    assert wrong == []
    for model, model_admin in _ours():
        for inline in model_admin.inlines:  # an inline would save its rows itself
            assert not inline.has_add_permission(model_admin, None, None), (model.__name__, inline.__name__)
            assert not inline.has_change_permission(model_admin, None, None), (model.__name__, inline.__name__)


@pytest.mark.django_db
def test_an_item_saved_in_the_admin_goes_through_the_catalog_service(client, hr, monkeypatch):
    from catalog import services
    from catalog.models import LearningItem
    from tests.catalog.factories import ItemFactory, SkillFactory

    item = ItemFactory(title="Old title", level_basic=True, level_master=False)
    skill = SkillFactory(name="Forklift")
    calls, real = [], services.item_update
    monkeypatch.setattr(services, "item_update", lambda **kw: calls.append(kw) or real(**kw))
    client.force_login(hr.user)
    data = {
        "title": "New title",
        "description": "",
        "format": item.format,
        "skills": [skill.pk],
        "active": "on",
        "level_master": "on",
        "language": item.language,
        "duration_hours": "2.0",
        "cost": "0",
        "delivery": item.delivery,
        "url": "",
        "provider": "",
        "provider_key": "",
        "sessions-TOTAL_FORMS": "0",
        "sessions-INITIAL_FORMS": "0",
        "mandatory_rules-TOTAL_FORMS": "0",
        "mandatory_rules-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:catalog_learningitem_change", args=[item.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    (call,) = calls
    assert (call["levels"], call["skills"]) == (["master"], ["Forklift"])
    item = LearningItem.objects.get(pk=item.pk)
    assert (item.title, item.levels, [s.name for s in item.skills.all()]) == ("New title", ["master"], ["Forklift"])


@pytest.mark.django_db
def test_a_mandatory_rule_added_in_the_admin_goes_through_the_service_with_its_audience(client, hr, org, monkeypatch):
    from catalog import services
    from catalog.models import MandatoryRule
    from people.audience import Audience, AudienceKind
    from tests.catalog.factories import ItemFactory

    item = ItemFactory()
    calls, real = [], services.mandatory_rule_create
    monkeypatch.setattr(services, "mandatory_rule_create", lambda **kw: calls.append(kw) or real(**kw))
    client.force_login(hr.user)
    data = {
        "item": item.pk,
        "audience_kind": AudienceKind.DEPARTMENT,
        "audience_department": org["service"].pk,
        "starts_on": "2026-01-01",
        "due_days": "30",
        "active": "on",
    }
    response = client.post(reverse("admin:catalog_mandatoryrule_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    (call,) = calls
    assert call["audience"] == Audience.of(AudienceKind.DEPARTMENT, department=org["service"])
    assert MandatoryRule.objects.get().audience == call["audience"]


@pytest.mark.django_db
def test_a_programme_changed_in_the_admin_goes_through_adoption_s_service(client, personas, monkeypatch):
    from adoption import services
    from adoption.models import Programme
    from tests.adoption.helpers import programme as make_programme

    programme = make_programme(personas)
    calls, real = [], services.programme_update
    monkeypatch.setattr(services, "programme_update", lambda **kw: calls.append(kw) or real(**kw))
    client.force_login(personas.hr.user)
    url = reverse("admin:adoption_programme_change", args=[programme.pk])
    data = {
        "name": "Service learns more",
        "audience_kind": "department",
        "audience_department": personas.employee.department_id,
        "sponsor": personas.outsider_manager.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    (call,) = calls
    assert call["name"] == "Service learns more"
    assert Programme.objects.get().name == "Service learns more"

    # The service's rule holds in the admin too: the pilot cannot be its own comparison group.
    response = client.post(url, {**data, "name": "Renamed", "comparison_department": personas.employee.department_id})
    assert response.status_code == 302
    assert Programme.objects.get().name == "Service learns more"
    assert Programme.objects.get().comparison_department is None


@pytest.mark.django_db
def test_a_programme_added_in_the_admin_is_owned_by_whoever_added_it(client, personas):
    from adoption.models import Programme

    client.force_login(personas.hr.user)
    data = {
        "name": "Finance learns",
        "audience_kind": "department",
        "audience_department": personas.other_employee.department_id,
        "sponsor": personas.manager.pk,
    }
    response = client.post(reverse("admin:adoption_programme_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Programme.objects.get().owner == personas.hr
