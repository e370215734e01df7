"""Someone who leaves, by each of the three ways it happens (an HRIS full sync, SCIM `active:
false`, the admin's action): their session ends at once, and the links that work without signing
in (the calendar feed, the unsubscribe and click links of their e-mails) stop working, with a
plain page that says nothing about them (issue 18)."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comms import rendering
from comms.models import Channel, Delivery, Message, OptOut
from hris.services import api_client_create
from people.models import Employee
from people.privacy import person_erase
from policy.models import CalendarFeed
from tests.hris.conftest import sync

pytestmark = pytest.mark.django_db


def _api() -> Client:
    _client, token = api_client_create(name="HRIS", scopes=["hris:write"])
    return Client(headers={"Authorization": f"Bearer {token}"})


def by_full_sync(personas, leaver):
    """A full sync that lists everyone but the leaver."""
    rows = [
        {"external_id": e.external_id, "first_name": e.first_name, "last_name": e.last_name, "email": e.email}
        for e in Employee.objects.exclude(pk=leaver.pk)
    ]
    response = sync(_api(), {"mode": "full", "employees": rows})
    assert response.status_code == 200, response.content
    assert response.json()["employees"]["deactivated"] == 1


def by_scim(personas, leaver):
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": False}],
    }
    response = _api().patch(f"/scim/v2/Users/{leaver.pk}", json.dumps(body), content_type="application/scim+json")
    assert response.status_code == 200, response.content


def by_admin(personas, leaver):
    admin = Client()
    admin.force_login(personas.hr.user)
    response = admin.post(
        reverse("admin:people_employee_changelist"), {"action": "deactivate", "_selected_action": [leaver.pk]}
    )
    assert response.status_code == 302


def _click_path(leaver) -> str:
    message = Message.objects.create(key="k", subject="S", body="B", link="/catalog/")
    delivery = Delivery.objects.create(
        message=message, employee=leaver, channel=Channel.EMAIL, created_at=timezone.now()
    )
    return rendering.click_url(delivery.pk).replace("http://127.0.0.1:8000", "")


@pytest.mark.parametrize("leave", [by_full_sync, by_scim, by_admin], ids=["hris-full-sync", "scim", "admin"])
def test_leaving_ends_the_session_and_revokes_the_feed_and_the_email_links(personas, leave):
    leaver = personas.employee
    session = Client()
    session.force_login(leaver.user)
    assert session.get("/").status_code == 200
    feed = CalendarFeed.objects.create(employee=leaver)
    feed_url = f"/moments/feed/{feed.token}.ics"
    unsubscribe_url = reverse("comms:unsubscribe", args=[rendering.unsubscribe_token(leaver.pk, "plan")])
    click_url = _click_path(leaver)
    stranger = Client()
    assert stranger.get(feed_url).status_code == 200
    assert stranger.get(unsubscribe_url).status_code == 200
    assert stranger.get(click_url).status_code == 302

    leave(personas, leaver)

    assert not Employee.objects.get(pk=leaver.pk).active
    home = session.get("/")
    assert home.status_code == 302
    assert "/accounts/login/" in home["Location"]
    assert stranger.get(feed_url).status_code == 404
    assert not CalendarFeed.objects.filter(pk=feed.pk).exists()  # revoked, not paused
    for response in (stranger.get(unsubscribe_url), stranger.post(unsubscribe_url)):
        assert response.status_code == 410
        body = response.content.decode()
        assert "This link no longer works." in body
        assert leaver.last_name not in body
        assert leaver.email not in body
    assert not OptOut.objects.filter(employee=leaver).exists()
    assert stranger.get(click_url).status_code == 404


def test_the_links_of_someone_erased_stop_working_too(personas):
    leaver = personas.employee
    unsubscribe_url = reverse("comms:unsubscribe", args=[rendering.unsubscribe_token(leaver.pk, "plan")])
    person_erase(employee=leaver, by=personas.hr.user, reason="request")
    assert Client().get(unsubscribe_url).status_code == 410


def test_someone_still_here_unsubscribes_as_before(personas):
    url = reverse("comms:unsubscribe", args=[rendering.unsubscribe_token(personas.employee.pk, "plan")])
    response = Client().post(url)
    assert response.status_code == 200
    assert "no longer receive" in response.content.decode()
