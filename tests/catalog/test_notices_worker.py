"""Issue 13: people are told what happened, with a real Celery worker on Redis and a local SMTP
listener. A request tells the manager (or L&D staff when it goes to them); a decision, an automatic
approval and a refusal for budget (with the amount missing) tell the employee; so do a budget's
adjustment, re-allocation pro rata and coming expiry. Each through the delivery service, once (the
worker's sweep runs twice), on the channels the person accepts, in their language and number format.

The relay right after the commit is left out here (as when the broker is away for a moment), so the
worker's outbox sweep publishes what the action queued and the worker sends every e-mail."""

from datetime import date, timedelta
from decimal import Decimal
from email.header import decode_header, make_header

import pytest
from django.utils import timezone

from budgets.models import Budget, BudgetPolicy, OverBudget
from catalog.models import CatalogSettings, Enrolment, LearningItem
from catalog.services import enrolments as flow
from comms.models import Delivery, OptOut
from ops.models import OutboxTask
from tests.comms.sinks import SmtpSink
from tests.workers import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


@pytest.fixture
def sweep_only(monkeypatch):
    monkeypatch.setattr("ops.outbox._relay_after_commit", lambda pk: None)


@pytest.fixture
def budgets(personas):
    """€1,250.00 a year for everyone; the employee (Dutch) and the manager (English)."""
    personas.employee.locale = "nl"
    personas.employee.save(update_fields=["locale"])
    personas.manager.locale = "en"
    personas.manager.save(update_fields=["locale"])
    policy = BudgetPolicy.objects.create(
        name="Iedereen", amount=Decimal("1250.00"), hours=Decimal("40"), period_start=date(2020, 1, 1)
    )
    from budgets.services import budget_allocate

    budget_allocate()
    return policy


def _item(cost, title="Klantgericht schrijven"):
    return LearningItem.objects.create(
        title=title, format="elearning", duration_hours=4, cost=Decimal(cost), level_basic=True, level_secondary=True
    )


def _run(worker, sink, expected: int):
    """Let the worker's sweep publish everything queued (twice: a second sweep sends nothing new)."""
    for _ in range(2):
        OutboxTask.objects.filter(sent_at__isnull=True).update(created_at=timezone.now() - timedelta(minutes=1))
        worker.send("ops.outbox_relay_task")
        wait_for(lambda: sink.count >= expected, timeout=60, message=f"{expected} e-mails")
    wait_for(lambda: not OutboxTask.objects.filter(sent_at__isnull=True).exists(), timeout=60, message="outbox empty")
    wait_for(lambda: not Delivery.objects.filter(status="queued").exists(), timeout=60, message="all sent")


def _text(message) -> tuple[str, str]:
    subject = str(make_header(decode_header(message["Subject"])))
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    return subject, body


def _mail_to(sink, address):
    found = [m for m in sink.messages if m["To"] == address]
    assert len(found) == 1, [m["Subject"] for m in found]
    return _text(found[0])


def _deliveries(employee, key_prefix):
    return list(
        Delivery.objects.filter(employee=employee, message__key__startswith=key_prefix).values_list(
            "channel", flat=True
        )
    )


def test_a_request_tells_the_manager_and_the_decision_tells_the_employee(
    start_worker, require_postgres, personas, budgets, sweep_only
):
    CatalogSettings.objects.update_or_create(pk=1, defaults={"approval_threshold": Decimal("100.00")})
    employee, manager = personas.employee, personas.manager
    item = _item("1250.00")
    with SmtpSink() as sink:
        worker = start_worker({"EMAIL_URL": sink.url})
        enrolment = flow.enrolment_request(employee=employee, item=item, motivation="Voor mijn werk")
        _run(worker, sink, 1)
        subject, body = _mail_to(sink, manager.email)  # English, the manager's language
        assert subject == "Zoë de Vries asks to take Klantgericht schrijven"
        assert "(€1,250.00)" in body
        assert "Stop these e-mails" in body
        assert sorted(_deliveries(manager, "catalog.requested")) == ["email", "in_app"]

        flow.enrolment_approve(enrolment=enrolment, by=manager.user, comment="Goed plan")
        _run(worker, sink, 2)
        subject, body = _mail_to(sink, employee.email)  # Dutch, the employee's language
        assert subject == "Goedgekeurd: Klantgericht schrijven"
        assert "Mehmet Yılmaz heeft je aanvraag voor “Klantgericht schrijven” (€ 1.250,00) goedgekeurd." in body
        assert "Opmerking: Goed plan" in body
        assert "Geen e-mails meer van deze soort" in body
        assert sink.count == 2
    assert sorted(_deliveries(employee, "catalog.decided")) == ["email", "in_app"]


def test_an_automatic_approval_and_a_rejection_tell_the_employee_once(
    start_worker, require_postgres, personas, budgets, sweep_only
):
    employee, manager = personas.employee, personas.manager
    with SmtpSink() as sink:
        worker = start_worker({"EMAIL_URL": sink.url})
        flow.enrolment_request(employee=employee, item=_item("25.00", "Timemanagement"), motivation="x")
        _run(worker, sink, 1)
        subject, body = _mail_to(sink, employee.email)
        assert subject == "Goedgekeurd: Timemanagement"
        assert "automatisch goedgekeurd" in body
        assert "€ 25,00" in body
        assert _deliveries(manager, "catalog.requested") == []  # nothing waits for the manager

        request = flow.enrolment_request(employee=employee, item=_item("400.00", "Excel"), motivation="x")
        flow.enrolment_reject(enrolment=request, by=manager.user, comment="Niet dit jaar")
        _run(worker, sink, 3)  # the manager's request notice and the employee's rejection
        rejected = [_text(m) for m in sink.messages if m["To"] == employee.email and "Excel" in m["Subject"]]
        assert len(rejected) == 1
        subject, body = rejected[0]
        assert subject == "Niet goedgekeurd: Excel"
        assert "Opmerking: Niet dit jaar" in body
        assert sink.count == 3


def test_a_refusal_for_budget_tells_the_employee_the_amount_missing_and_ld_staff_the_request(
    start_worker, require_postgres, personas, budgets, sweep_only
):
    BudgetPolicy.objects.filter(pk=budgets.pk).update(over_budget=OverBudget.ROUTE_TO_LD)
    employee, manager, hr = personas.employee, personas.manager, personas.hr
    hr.locale = "en"
    hr.save(update_fields=["locale"])
    with SmtpSink() as sink:
        worker = start_worker({"EMAIL_URL": sink.url})
        request = flow.enrolment_request(employee=employee, item=_item("1300.00", "Leiderschap"), motivation="x")
        _run(worker, sink, 1)  # the manager is asked
        from catalog.exceptions import ApprovalRefused

        with pytest.raises(ApprovalRefused):
            flow.enrolment_approve(enrolment=request, by=manager.user)
        _run(worker, sink, 3)
        subject, body = _mail_to(sink, employee.email)
        assert subject == "Niet genoeg budget voor Leiderschap"
        assert "er ontbreekt € 50,00 aan leerbudget (€ 1.250,00 beschikbaar)" in body
        assert "L&D" in body
        subject, body = _mail_to(sink, hr.email)  # the request went to L&D staff: they are asked
        assert subject == "Zoë de Vries asks to take Leiderschap"
        assert sink.count == 3
    assert Enrolment.objects.get(pk=request.pk).routed_to_ld


def test_budget_changes_tell_the_employee_by_their_preferences(
    start_worker, require_postgres, personas, budgets, sweep_only
):
    from budgets.services import budget_adjust, budget_allocate, budget_reminders_send

    employee = personas.employee
    other = personas.other_employee
    other.locale = "nl"
    other.save(update_fields=["locale"])
    OptOut.objects.create(employee=other, channel="email", category="budgets")  # in the app only
    budget = Budget.objects.get(employee=employee)
    with SmtpSink() as sink:
        worker = start_worker({"EMAIL_URL": sink.url})
        budget_adjust(budget=budget, amount=Decimal("250.00"), reason="Opleidingsplan team", by=personas.hr.user)
        _run(worker, sink, 1)
        subject, body = _mail_to(sink, employee.email)
        assert subject == "Je leerbudget is aangepast"
        assert "L&D heeft € 250,00 aan je leerbudget toegevoegd." in body
        assert "Reden: Opleidingsplan team" in body
        assert "€ 1.500,00" in body

        # Half-time now: both budgets re-allocated pro rata (by a task queued through the outbox).
        from people.models import Employee

        Employee.objects.filter(pk__in=[employee.pk, other.pk]).update(fte=Decimal("0.50"))
        budget_allocate(employee_ids=[employee.pk, other.pk])
        _run(worker, sink, 2)
        wait_for(lambda: len(_deliveries(other, "budgets.changed")) == 1, timeout=60, message="the in-app notice")
        realloc = [_text(m) for m in sink.messages if m["To"] == employee.email and "herverdeeld" in m["Subject"]]
        assert len(realloc) == 1
        assert "af gehaald" in realloc[0][1]
        assert _deliveries(other, "budgets.changed") == ["in_app"]  # no e-mail: opted out of budget e-mails

        BudgetPolicy.objects.filter(pk=budgets.pk).update(reminder_days="400")
        others = Budget.objects.exclude(employee__in=[employee, other])
        others.update(expired_at=timezone.now())  # only these two are reminded
        assert budget_reminders_send() == 2
        _run(worker, sink, 3)
        (reminder,) = [_text(m) for m in sink.messages if m["To"] == employee.email and "Je hebt nog" in _text(m)[0]]
        assert reminder[0].startswith("Je hebt nog € ")
        assert "Het verloopt op 31-12-" in reminder[1]
        assert sink.count == 3
    assert sorted(_deliveries(other, "budgets.")) == ["in_app", "in_app"]
    assert sorted(_deliveries(employee, "budgets.")) == ["email", "email", "email", "in_app", "in_app", "in_app"]
