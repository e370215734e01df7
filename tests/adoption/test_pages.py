"""The adoption pages (issue 20): the L&D home and the lists take the same number of queries for one
programme as for many, a programme's page and its report stay under a fixed budget, the form
nudges towards a small pilot, and the review form saves actions that carry on."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from adoption.models import Action, Programme
from tests.adoption.helpers import running
from tests.bigteam import page_queries

pytestmark = pytest.mark.django_db


def _programmes(personas, n):
    Programme.objects.all().delete()
    for i in range(n):
        p = running(personas, name=f"Programme {i}", days_ago=120, length=90)
        from adoption.services import cycle_start, review_hold

        review_hold(
            cycle=p.cycles.get(),
            by=personas.hr,
            worked="w",
            did_not_work="d",
            actions=[
                {"text": f"Act {i}", "owner": personas.manager, "due_on": timezone.localdate() + timedelta(days=1)}
            ],
        )
        today = timezone.localdate()
        cycle_start(programme=p, starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=60))


@pytest.mark.parametrize("url_name", ["adoption:home", "adoption:list"])
def test_the_l_and_d_home_and_the_list_take_the_same_queries_for_one_programme_as_for_five(
    personas, client_for, url_name
):
    client = client_for(personas.hr)
    _programmes(personas, 1)
    one, _html = page_queries(client, reverse(url_name))
    _programmes(personas, 5)
    five, html = page_queries(client, reverse(url_name))
    assert five == one
    assert one <= 40
    assert "Programme 4" in html
    assert "of 6" in html


def test_the_home_page_of_l_and_d_staff_shows_the_programmes_in_the_same_queries(personas, client_for):
    client = client_for(personas.hr)
    _programmes(personas, 1)
    one, _html = page_queries(client, "/")
    _programmes(personas, 4)
    four, html = page_queries(client, "/")
    assert four == one
    assert "Adoption programmes" in html


def test_a_programme_page_and_its_report_stay_within_their_query_budget(personas, client_for):
    _programmes(personas, 1)
    p = Programme.objects.get()
    client = client_for(personas.hr)
    count, html = page_queries(client, reverse("adoption:detail", args=[p.pk]))
    assert count <= 30
    assert "Open actions from earlier cycles" in html
    assert "Act 0" in html  # carried from the first cycle
    count, html = page_queries(client, reverse("adoption:detail", args=[p.pk]) + "?cycle=1")
    assert count <= 32
    assert "Actions decided" in html
    cycle = p.cycles.get(number=2)
    count, html = page_queries(client, reverse("adoption:report", args=[cycle.pk]))
    assert count <= 30
    assert "The six steps:" in html


def test_the_form_nudges_towards_one_department_or_job_group(personas, client_for):
    client = client_for(personas.hr)
    data = {
        "name": "Service learns",
        "audience_kind": "department",
        "audience_department": personas.employee.department.parent_id,
        "check": "1",
    }
    text = client.post(reverse("adoption:create"), data).content.decode()
    assert "That is more than a quarter of the organisation" in text
    data["audience_department"] = personas.employee.department_id
    text = client.post(reverse("adoption:create"), data).content.decode()
    assert "This pilot reaches 4 people (57% of the organisation)." in text
    assert not Programme.objects.exists()  # checking saves nothing


def test_the_review_form_saves_the_review_and_its_actions(personas, client_for):
    p = running(personas, days_ago=100, length=90)
    cycle = p.cycles.get()
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    data = {
        "worked": "Lunch talks",
        "did_not_work": "Posters",
        "decisions": "Monthly talks",
        "action-TOTAL_FORMS": "3",
        "action-INITIAL_FORMS": "0",
        "action-0-text": "Ask the agents",
        "action-0-owner": str(personas.manager.pk),
        "action-0-due_on": due,
    }
    response = client_for(personas.hr).post(reverse("adoption:review", args=[cycle.pk]), data)
    assert response.status_code == 302
    [action] = Action.objects.all()
    assert (action.text, action.owner, action.due_on.isoformat()) == ("Ask the agents", personas.manager, due)


def test_dutch_pages_read_dutch(personas, client_for):
    _programmes(personas, 1)
    p = Programme.objects.get()
    client = client_for(personas.hr)
    client.post(reverse("set_language"), {"language": "nl"})
    html = client.get(reverse("adoption:detail", args=[p.pk]), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "De zes stappen" in html
    assert "Verschil van de veranderingen" in html
