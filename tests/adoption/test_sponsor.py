"""The sponsor's page (issue 19, "Sponsors"): what a sponsor sponsors and how it goes, what waits
for their decision, and a short message to an audience, sent once however often the form is sent."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse

from adoption.models import SponsorMessage
from adoption.services import sponsor_message_send
from comms.models import Delivery
from goals.services import sponsor_mark
from people.models import AuditEntry
from tests.adoption.helpers import running
from tests.bigteam import page_queries
from tests.goals.helpers import active, submitted

pytestmark = pytest.mark.django_db

URL = reverse("adoption:sponsor")


def _deliveries(message: SponsorMessage):
    return Delivery.objects.filter(message__key__startswith=f"adoption.sponsor_message:{message.pk}:")


def test_a_sponsor_sees_what_they_sponsor_and_what_waits_and_nothing_else(personas, client_for):
    mine = running(personas, name="Service learns", sponsor=personas.manager)
    running(personas, name="Someone else's", sponsor=personas.outsider_manager)
    waits = submitted(personas, title="Waiting goal", sponsor=personas.manager)
    going = active(personas, title="Going goal", sponsor=personas.manager)
    active(personas, title="Other sponsor's goal", sponsor=personas.outsider_manager)
    html = client_for(personas.manager).get(URL).content.decode()
    assert mine.name in html
    assert "of 6" in html  # the checklist's progress
    assert "Someone else" not in html
    assert waits.title in html
    assert going.title in html
    assert "Other sponsor" not in html


def test_the_sponsor_page_takes_the_same_queries_for_one_of_each_as_for_three(personas, client_for):
    client = client_for(personas.manager)
    running(personas, name="P0", sponsor=personas.manager)
    active(personas, title="G0", sponsor=personas.manager)
    submitted(personas, title="S0", sponsor=personas.manager)
    one, _html = page_queries(client, URL)
    for i in (1, 2):
        running(personas, name=f"P{i}", sponsor=personas.manager)
        active(personas, title=f"G{i}", sponsor=personas.manager)
        submitted(personas, title=f"S{i}", sponsor=personas.manager)
    three, html = page_queries(client, URL)
    assert three == one
    assert one <= 40
    assert "P2" in html
    assert "G2" in html
    assert "S2" in html


def test_a_person_marked_as_sponsor_opens_the_page_and_a_plain_employee_does_not(personas, client_for):
    assert client_for(personas.employee).get(URL).status_code == 403
    sponsor_mark(employee=personas.employee, by=personas.hr)
    assert client_for(personas.employee).get(URL).status_code == 200


def _post(client, target, key, subject="Why we learn", body="Thank you for the hours you put in."):
    return client.post(URL, {"target": target, "subject": subject, "body": body, "key": str(key)})


def test_the_message_reaches_each_person_of_the_audience_once_in_their_language(personas, client_for):
    goal = active(personas, title="Going goal", sponsor=personas.manager)
    personas.employee.locale = "nl"
    personas.employee.save(update_fields=["locale"])
    client = client_for(personas.manager)
    key = uuid.uuid4()
    first = _post(client, f"goal:{goal.pk}", key)
    assert first.status_code == 302
    message = SponsorMessage.objects.get()
    reached = set(_deliveries(message).values_list("employee_id", flat=True))
    audience = {personas.manager.pk, personas.employee.pk, personas.team_lead.pk, personas.indirect_report.pk}
    assert reached == audience
    assert message.recipients == 4
    # one delivery per person and channel
    assert not _deliveries(message).values("employee_id", "channel").annotate(n=Count("pk")).filter(n__gt=1)
    dutch = _deliveries(message).filter(employee=personas.employee).first().message
    english = _deliveries(message).filter(employee=personas.team_lead).first().message
    assert "Een bericht van" in dutch.body
    assert "A message from" in english.body
    assert "Thank you for the hours you put in." in dutch.body

    # The same form sent again (a double click, a resent request): nothing more is sent.
    count = _deliveries(message).count()
    again = _post(client, f"goal:{goal.pk}", key)
    assert again.status_code == 302
    assert SponsorMessage.objects.count() == 1
    assert _deliveries(message).count() == count
    assert Delivery.objects.filter(message__key__startswith="adoption.sponsor_message:").count() == count


def test_the_second_send_of_the_same_key_returns_the_first_message_and_sends_nothing(personas):
    programme = running(personas, sponsor=personas.manager)
    key = uuid.uuid4()
    fields = {"sender": personas.manager, "key": key, "subject": "Hi", "body": "We start", "programme": programme}
    message, sent = sponsor_message_send(**fields)
    assert sent
    count = Delivery.objects.count()
    second, sent_again = sponsor_message_send(**fields)
    assert (second.pk, sent_again) == (message.pk, False)
    assert Delivery.objects.count() == count
    # A new form (a new key) is a new message.
    _third, sent_new = sponsor_message_send(**{**fields, "key": uuid.uuid4()})
    assert sent_new
    assert Delivery.objects.count() > count


def test_a_sponsor_cannot_write_to_the_audience_of_what_they_do_not_sponsor(personas, client_for):
    other = active(personas, title="Not mine", sponsor=personas.outsider_manager)
    with pytest.raises(ValidationError) as exc:
        sponsor_message_send(sender=personas.manager, key=uuid.uuid4(), subject="Hi", body="x", goal=other)
    assert "target" in exc.value.message_dict
    active(personas, title="Mine", sponsor=personas.manager)
    response = _post(client_for(personas.manager), f"goal:{other.pk}", uuid.uuid4())
    assert response.status_code == 400
    assert not SponsorMessage.objects.exists()
    assert not Delivery.objects.filter(message__key__startswith="adoption.sponsor_message:").exists()


def test_an_empty_message_is_a_form_error_and_sends_nothing(personas, client_for):
    goal = active(personas, title="Mine", sponsor=personas.manager)
    response = _post(client_for(personas.manager), f"goal:{goal.pk}", uuid.uuid4(), subject=" ", body="")
    assert response.status_code == 400
    assert not SponsorMessage.objects.exists()


def test_the_message_is_in_the_audit_log(personas):
    programme = running(personas, sponsor=personas.manager)
    message, _sent = sponsor_message_send(
        sender=personas.manager, key=uuid.uuid4(), subject="Hi", body="We start", programme=programme
    )
    entry = AuditEntry.objects.get(action="sponsor.message_sent")
    assert (entry.object_id, entry.actor_id) == (str(message.pk), personas.manager.user_id)
    assert entry.changes["programme"] == programme.pk
    assert entry.changes["recipients"] == message.recipients


def test_goal_progress_shows_the_share_of_the_way_to_the_target(personas, client_for):
    from django.utils import timezone

    from tests.goals.helpers import snapshots

    goal = active(personas, title="Going goal", sponsor=personas.manager, target=Decimal("50"))
    today = timezone.localdate()
    baseline = goal.baseline
    snapshots("participation", personas.employee.department, {today: baseline + (Decimal(50) - baseline) / 2})
    html = client_for(personas.manager).get(URL).content.decode()
    assert "50%" in html


def test_managers_find_the_page_in_the_menu_and_marked_sponsors_on_their_home(personas, client_for):
    assert URL in client_for(personas.manager).get("/").content.decode()
    assert URL not in client_for(personas.employee).get("/").content.decode()
    sponsor_mark(employee=personas.employee, by=personas.hr)
    active(personas, title="Going goal", sponsor=personas.employee, owner=personas.hr)
    assert URL in client_for(personas.employee).get("/").content.decode()  # the goals panel's link


def test_the_page_reads_dutch(personas, client_for):
    running(personas, sponsor=personas.manager)
    personas.manager.locale = "nl"
    personas.manager.save(update_fields=["locale"])
    client = client_for(personas.manager)
    client.post(reverse("set_language"), {"language": "nl"})
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Wat ik sponsor" in html
    assert "Programma’s die je sponsort" in html
    assert "Een bericht aan de doelgroep" in html
