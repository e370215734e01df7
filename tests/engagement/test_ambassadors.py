"""Ambassadors (issue 19): nominations by managers and colleagues, L&D's invitation, the person's
consent, and the end of an appointment; the status machine refuses what is no longer possible, also
for two answers at once (the row's lock; without it, the negative control, both pass)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from comms.models import Delivery
from engagement.models import Ambassadorship, AmbassadorStatus, Nomination, NominationStatus
from engagement.ports import ambassador_ids
from engagement.services import (
    ambassador_accept,
    ambassador_decline,
    ambassador_end,
    ambassador_invite,
    ambassador_step_down,
    ambassadors,
    nomination_create,
    nomination_dismiss,
)
from people.models import AuditEntry


@pytest.mark.django_db
def test_managers_and_colleagues_nominate_once_and_never_themselves(personas):
    nomination_create(nominee=personas.employee, by=personas.manager, reason="Helps everyone")
    nomination_create(nominee=personas.employee, by=personas.team_lead, reason="Hosts lunches")
    with pytest.raises(ValidationError) as error:
        nomination_create(nominee=personas.employee, by=personas.manager, reason="Again")
    assert "nominee" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        nomination_create(nominee=personas.employee, by=personas.employee, reason="Me!")
    assert error.value.message_dict == {"nominee": ["You cannot nominate yourself."]}
    with pytest.raises(ValidationError) as error:
        nomination_create(nominee=personas.manager, by=personas.employee, reason="   ")
    assert error.value.message_dict == {"reason": ["Say in a few words why."]}
    assert Nomination.objects.count() == 2
    dismissed = nomination_dismiss(nomination=Nomination.objects.get(by=personas.manager), by=personas.hr)
    assert dismissed.status == NominationStatus.DISMISSED
    nomination_create(nominee=personas.employee, by=personas.manager, reason="Still the best")  # a new one may follow


@pytest.mark.django_db
def test_an_invitation_is_consent_asked_the_person_accepts_and_is_ambassador_for_their_department(personas):
    nomination_create(nominee=personas.employee, by=personas.manager, reason="Helps everyone")
    invitation = ambassador_invite(employee=personas.employee, by=personas.hr)
    assert invitation.status == AmbassadorStatus.INVITED
    assert invitation.department == personas.employee.department
    assert (invitation.invited_by, invitation.invited_at is not None) == (personas.hr, True)
    assert Nomination.objects.get().status == NominationStatus.TAKEN_UP
    assert ambassador_ids() == set()
    told = {d.message.subject for d in Delivery.objects.filter(employee=personas.employee).select_related("message")}
    assert told == {"You are invited to be an ambassador"}

    with pytest.raises(ValidationError):
        ambassador_accept(ambassadorship=invitation, employee=personas.manager)  # only the person answers
    with pytest.raises(ValidationError):
        ambassador_invite(employee=personas.employee, by=personas.hr)  # one at a time
    row = ambassador_accept(ambassadorship=invitation, employee=personas.employee)
    assert row.status == AmbassadorStatus.ACCEPTED
    assert row.answered_at
    assert ambassador_ids() == {personas.employee.pk}
    with pytest.raises(ValidationError):
        ambassador_decline(ambassadorship=invitation, employee=personas.employee)  # answered already

    row = ambassador_step_down(ambassadorship=row, employee=personas.employee)
    assert (row.status, row.ended_by) == (AmbassadorStatus.STEPPED_DOWN, personas.employee)
    assert ambassador_ids() == set()
    audited = AuditEntry.objects.filter(action="ambassador.changed").order_by("pk")
    assert [e.changes["status"] for e in audited] == [
        ["", "invited"],
        ["invited", "accepted"],
        ["accepted", "stepped_down"],
    ]
    assert {e.subject_id for e in audited} == {personas.employee.pk}


@pytest.mark.django_db
def test_a_dutch_speaker_is_told_in_dutch_and_ld_ends_or_withdraws(personas, org):
    personas.other_employee.locale = "nl"
    personas.other_employee.save()
    invitation = ambassador_invite(employee=personas.other_employee, by=personas.hr, department=org["finance"])
    told = Delivery.objects.filter(employee=personas.other_employee).values_list("message__subject", flat=True)
    assert set(told) == {"Je bent uitgenodigd om ambassadeur te worden"}
    assert ambassador_end(ambassadorship=invitation, by=personas.hr).status == AmbassadorStatus.WITHDRAWN
    declined = ambassador_decline(
        ambassadorship=ambassador_invite(employee=personas.other_employee, by=personas.hr),
        employee=personas.other_employee,
    )
    assert declined.status == AmbassadorStatus.DECLINED
    assert ambassador_ids() == set()
    accepted = ambassador_accept(
        ambassadorship=ambassador_invite(employee=personas.other_employee, by=personas.hr),
        employee=personas.other_employee,
    )
    ended = ambassador_end(ambassadorship=accepted, by=personas.hr)
    assert (ended.status, ended.ended_by, ended.ended_at is not None) == (AmbassadorStatus.ENDED, personas.hr, True)
    assert ambassador_ids() == set()
    assert Ambassadorship.objects.filter(employee=personas.other_employee).count() == 3


def _decline_and_withdraw_at_once(personas, invitation):
    barrier = threading.Barrier(2)
    outcomes = []

    def run(action):
        try:
            barrier.wait()
            action()
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    actions = [
        lambda: ambassador_decline(ambassadorship=invitation, employee=personas.employee),
        lambda: ambassador_end(ambassadorship=invitation, by=personas.hr),
    ]
    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return sorted(outcomes)


@pytest.fixture
def slow_lock(require_postgres, monkeypatch):
    lock = ambassadors._lock

    def lock_slowly(row):  # widen the window between reading the status and writing the move
        locked = lock(row)
        time.sleep(0.3)
        return locked

    monkeypatch.setattr(ambassadors, "_lock", lock_slowly)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_declining_while_ld_withdraws_lets_exactly_one_happen(slow_lock, personas):
    invitation = ambassador_invite(employee=personas.employee, by=personas.hr)
    assert _decline_and_withdraw_at_once(personas, invitation) == ["done", "refused"]
    assert AuditEntry.objects.filter(action="ambassador.changed").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_negative_control_without_the_lock_both_moves_pass(slow_lock, personas, monkeypatch):
    invitation = ambassador_invite(employee=personas.employee, by=personas.hr)

    def unlocked(row):
        found = Ambassadorship.objects.select_related("employee", "department").get(pk=row.pk)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(ambassadors, "_lock", unlocked)
    assert _decline_and_withdraw_at_once(personas, invitation) == ["done", "done"]  # declined and withdrawn: two ends


@pytest.mark.django_db
def test_from_nomination_to_consent_through_the_pages(personas, client):
    from django.urls import reverse

    dept = personas.employee.department_id
    client.force_login(personas.manager.user)
    mine = client.post(reverse("engagement:nominate", args=[dept]), {"nominee": personas.manager.pk, "reason": "Me"})
    assert mine.status_code == 400
    assert "You cannot nominate yourself." in mine.content.decode()
    response = client.post(
        reverse("engagement:nominate", args=[dept]), {"nominee": personas.employee.pk, "reason": "Explains tools"}
    )
    assert response.status_code == 302

    client.force_login(personas.hr.user)
    page = client.get(reverse("engagement:ambassadors"))
    assert [n.reason for n in page.context["nominations"]] == ["Explains tools"]
    assert client.post(reverse("engagement:ambassador_invite"), {"employee": personas.employee.pk}).status_code == 302
    again = client.post(reverse("engagement:ambassador_invite"), {"employee": personas.employee.pk})
    assert again.status_code == 400  # one invitation at a time, shown on the form
    row = Ambassadorship.objects.get()

    client.force_login(personas.manager.user)  # not theirs to answer
    assert client.post(reverse("engagement:ambassador_answer", args=[row.pk]), {"answer": "accept"}).status_code == 404
    client.force_login(personas.employee.user)
    html = client.get(reverse("engagement:mine")).content.decode()
    assert "You are invited to be ambassador for Customer Service" in html
    client.post(reverse("engagement:ambassador_answer", args=[row.pk]), {"answer": "accept"})
    row.refresh_from_db()
    assert row.status == AmbassadorStatus.ACCEPTED
    assert "You are ambassador for Customer Service" in client.get(reverse("engagement:mine")).content.decode()

    client.force_login(personas.hr.user)
    client.post(reverse("engagement:ambassador_end", args=[row.pk]))
    row.refresh_from_db()
    assert (row.status, row.ended_by) == (AmbassadorStatus.ENDED, personas.hr)
    assert ambassador_ids() == set()
