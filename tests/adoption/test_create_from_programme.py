"""Issue 20: a programme's goals, surveys, communication plan and learning moments can be made from
its page: each create form opens with the pilot audience (or the plan's name) filled in, and what is
saved there through the real form is linked to the programme."""

from datetime import timedelta

import pytest
from django.utils import timezone

from adoption.views import _create_links
from comms.models import CommunicationPlan
from goals.models import Goal
from people.audience import AudienceKind
from policy.models import LearningMoment
from surveys.models import Survey
from tests.adoption.helpers import programme as make_programme

pytestmark = pytest.mark.django_db


def _links(programme) -> dict[str, str]:
    labels = {"A goal": "goal", "A survey": "survey", "A learning moment": "moment", "A communication plan": "plan"}
    return {labels[label]: link for label, link in _create_links(programme)}


def _audience(personas) -> dict:
    return {"audience_kind": AudienceKind.DEPARTMENT, "audience_department": personas.employee.department_id}


def _data(kind, personas) -> dict:
    today = timezone.localdate()
    if kind == "goal":
        return {
            "title": "Half of Service learns",
            "why": "Customers notice it.",
            **_audience(personas),
            "metric": "participation",
            "target": "40",
            "deadline": str(today + timedelta(days=183)),
            "sponsor": personas.outsider_manager.pk,
            "save": "1",
        }
    if kind == "survey":
        return {
            "kind": "custom",
            "title": "What Service wants to learn",
            **_audience(personas),
            "anonymous": "on",
            "min_group_ratings": "5",
            "min_group_comments": "5",
            "breakdown_department_depth": "0",
            "opens_at": "",
            "closes_at": (timezone.now() + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
            "reminder_days": "3",
        }
    if kind == "moment":
        return {
            "title": "Friday learning",
            **_audience(personas),
            "rrule": "FREQ=WEEKLY;BYDAY=FR",
            "starts_on": str(today),
            "start_time": "15:00",
            "timezone": "Europe/Amsterdam",
            "duration_minutes": "30",
            "reminder_offsets": "1440",
            "active": "on",
        }
    return {"name": "Service hears about it", "description": ""}


MODELS = {"goal": Goal, "survey": Survey, "moment": LearningMoment, "plan": CommunicationPlan}


@pytest.mark.parametrize("kind", list(MODELS))
def test_made_from_the_programme_page_it_starts_with_the_pilot_and_ends_linked(personas, client_for, kind):
    programme = make_programme(personas)
    client = client_for(personas.hr)
    page = client.get(f"/adoption/{programme.pk}/").content.decode()
    link = _links(programme)[kind]
    assert link.replace("&", "&amp;") in page
    form = client.get(link).context["form"]
    if kind == "plan":
        assert form.initial["name"] == f"Communication for {programme.name}"
    else:
        assert form.initial["audience"] == programme.audience
    response = client.post(link, _data(kind, personas))
    assert response.status_code == 302, response.content.decode()[:3000]
    made = MODELS[kind].objects.latest("pk")
    programme.refresh_from_db()
    if kind == "plan":
        assert programme.comms_plan == made
    else:
        linked = {"goal": programme.goals, "survey": programme.surveys, "moment": programme.moments}[kind]
        assert list(linked.all()) == [made]
        assert made.audience == programme.audience


def test_the_same_form_without_the_programme_links_nothing(personas, client_for):
    from django.urls import reverse

    programme = make_programme(personas)
    response = client_for(personas.hr).post(reverse("goals:create"), _data("goal", personas))
    assert response.status_code == 302
    assert Goal.objects.exists()
    assert not programme.goals.exists()


def test_someone_who_does_not_run_the_programme_does_not_link_to_it(personas, client_for):
    """A manager proposing a goal with a forged `from` of a programme they cannot manage: the goal is
    theirs, the programme unchanged."""
    from django.urls import reverse

    programme = make_programme(personas)
    data = {**_data("goal", personas), "sponsor": personas.outsider_manager.pk}
    url = reverse("goals:create") + f"?from=programme:{programme.pk}"
    response = client_for(personas.manager).post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Goal.objects.exists()
    assert not programme.goals.exists()


def test_a_programme_with_a_plan_offers_no_second_one(personas):
    from comms.services.plans import plan_save

    programme = make_programme(personas)
    programme.comms_plan = plan_save(name="Ours", description="")
    programme.save()
    assert "plan" not in _links(programme)


@pytest.mark.parametrize(
    "query",
    [
        "audience_kind=department&audience_department=99999999999999999999",
        "audience_kind=department&audience_department=12345678",
        "audience_kind=nonsense&audience_job_group=-1",
        "audience_kind=job_group&audience_job_group=%00",
        "title=" + "x" * 5000,
        "from=programme:99999999999999999999",
    ],
)
def test_a_create_form_opened_with_a_hostile_query_string_still_opens(personas, client_for, query):
    from django.urls import reverse

    client = client_for(personas.hr)
    for name in ("goals:create", "surveys:create", "policy:moment_create", "comms:plan_create"):
        assert client.get(reverse(name) + "?" + query).status_code == 200, name


def test_a_forged_origin_that_is_no_programme_links_nothing_and_saves_the_goal(personas, client_for):
    from django.urls import reverse

    for origin in ("programme:99999999999999999999", "programme:x", "survey:1", ""):
        url = reverse("goals:create") + f"?from={origin}"
        response = client_for(personas.hr).post(url, _data("goal", personas))
        assert response.status_code == 302, origin
    assert Goal.objects.count() == 4
