"""The 5W plan: placeholders, completeness, activation, scheduled and triggered sending, reach."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from comms import rendering, selectors, services
from comms.models import CommunicationPlan, Delivery, Message, When
from people.audience import Audience
from people.audience import AudienceKind as K
from people.signals import domain_event
from tests.catalog.factories import EnrolmentFactory


def test_unknown_placeholder_is_refused_with_the_allowed_list(plan):
    with pytest.raises(ValidationError) as exc:
        services.plan_message_save(plan=plan, subject="Hi {{ first_name }}", body="Dear {{ manager_name }}")
    text = str(exc.value.message_dict["body"])
    assert "{{ manager_name }}" in text
    for allowed in ("{{ first_name }}", "{{ budget_available }}", "{{ next_learning_moment }}", "{{ catalog_link }}"):
        assert allowed in text
    assert not Message.objects.exists()


def test_message_missing_ws_names_each_missing_w(plan):
    message = services.plan_message_save(plan=plan, subject="S")
    assert message.missing_ws() == ["who", "what", "where", "why", "when"]


def test_plan_cannot_be_activated_while_a_message_lacks_a_w(plan, plan_message):
    services.plan_message_save(plan=plan, subject="Half done", body="B", channels=["email"])
    with pytest.raises(ValidationError) as exc:
        services.plan_activate(plan=plan)
    assert "Half done" in exc.value.messages[0]
    assert "Who" in exc.value.messages[0]
    assert "Why" in exc.value.messages[0]
    plan.refresh_from_db()
    assert plan.status == CommunicationPlan.Status.DRAFT


def test_complete_plan_activates(plan, plan_message):
    services.plan_activate(plan=plan)
    plan.refresh_from_db()
    assert plan.status == "active"


def test_an_empty_plan_cannot_be_activated(plan):
    with pytest.raises(ValidationError):
        services.plan_activate(plan=plan)


def test_making_a_message_incomplete_returns_the_active_plan_to_draft(plan, plan_message):
    services.plan_activate(plan=plan)
    services.plan_message_save(plan=plan, message=plan_message, reason="")
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_chat_channel_needs_a_webhook_url_on_the_plan(plan):
    with pytest.raises(ValidationError) as exc:
        services.plan_message_save(plan=plan, subject="S", channels=["webhook"])
    assert "webhook" in str(exc.value.message_dict["channels"])


def test_audience_resolution(org, personas):
    service = Message(audience=Audience.of(K.DEPARTMENT, department=org["service"]))
    assert set(selectors.audience_ids(service)) == {
        personas.manager.pk,
        personas.employee.pk,
        personas.team_lead.pk,
        personas.indirect_report.pk,
    }
    assert set(selectors.audience_ids(Message(audience=Audience.of(K.DEPARTMENT, department=org["root"])))) >= {
        personas.other_employee.pk,
        personas.hr.pk,
    }
    agents = selectors.audience_ids(Message(audience=Audience.of(K.JOB_GROUP, job_group=org["agents"])))
    assert set(agents) == {personas.employee.pk, personas.indirect_report.pk, personas.other_employee.pk}
    managers = selectors.audience_ids(Message(audience=Audience(K.MANAGERS)))
    assert set(managers) == {personas.manager.pk, personas.team_lead.pk, personas.outsider_manager.pk}
    assert selectors.audience_ids(Message(audience=Audience(""))) == []


def test_dated_message_is_sent_once_by_beat_even_when_beat_runs_twice(
    personas, plan, plan_message, django_capture_on_commit_callbacks
):
    services.plan_activate(plan=plan)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.plan_messages_send_due()
    with django_capture_on_commit_callbacks(execute=True):
        second = services.plan_messages_send_due()
    audience = len(selectors.audience_ids(plan_message))
    assert first == 2 * audience
    assert second == 0
    assert len(mail.outbox) == audience


def test_draft_plans_send_nothing(personas, plan, plan_message):
    assert services.plan_messages_send_due() == 0
    assert not Delivery.objects.exists()


def test_recurring_message_sends_each_occurrence_once(personas, plan, plan_message):
    start = timezone.now() - timedelta(days=8)
    services.plan_message_save(plan=plan, message=plan_message, when=When.RECURRING, recurrence="weekly", send_at=start)
    services.plan_activate(plan=plan)
    CommunicationPlan.objects.filter(pk=plan.pk).update(activated_at=start)
    assert services.plan_messages_send_due() > 0
    assert services.plan_messages_send_due() == 0
    occurrences = Message.objects.filter(parent=plan_message)
    assert occurrences.count() == 1  # this week's sending (last week's was missed before activation)
    later = timezone.now() + timedelta(days=7)
    assert services.plan_messages_send_due(now=later) > 0
    assert Message.objects.filter(parent=plan_message).count() == 2


def test_domain_event_triggers_the_waiting_message_once_per_event(personas, plan, plan_message):
    services.plan_message_save(
        plan=plan, message=plan_message, when=When.TRIGGER, trigger="goals.approved", send_at=None
    )
    services.plan_activate(plan=plan)
    domain_event.send(sender=None, name="goals.approved", goal=7)
    domain_event.send(sender=None, name="goals.approved", goal=7)
    domain_event.send(sender=None, name="surveys.opened", survey=1)
    occurrence = Message.objects.get(parent=plan_message)
    assert occurrence.key == f"trigger:{plan_message.pk}:goals.approved:goal-7"
    assert occurrence.deliveries.filter(channel="email").count() == len(selectors.audience_ids(plan_message))


def test_budget_expiring_reaches_only_the_employees_it_names(personas, plan, plan_message):
    services.plan_message_save(
        plan=plan, message=plan_message, when=When.TRIGGER, trigger="budgets.expiring", send_at=None
    )
    services.plan_activate(plan=plan)
    domain_event.send(sender=None, name="budgets.expiring", employee_ids=[personas.employee.pk], key="2026")
    assert set(Delivery.objects.values_list("employee_id", flat=True)) == {personas.employee.pk}


def _budget_of(employee, amount):
    """A real budget from the budgets app, the provider of the `budget_summary` port."""
    from budgets.models import BudgetPolicy
    from budgets.services import budget_allocate

    BudgetPolicy.objects.create(name="All", amount=Decimal(amount), period_start=date(2020, 1, 1), pro_rata=False)
    budget_allocate(employee_ids=[employee.pk])


def test_preview_values_come_from_providers_or_neutral_text(personas, plan_message):
    subject, body, _link = rendering.render_message(plan_message, personas.employee)
    assert subject == "Hello Zoë"
    assert "your learning budget" in body
    assert "{{" not in body
    _budget_of(personas.employee, "1250.00")
    _s, body, _l = rendering.render_message(plan_message, personas.employee)
    assert "Your budget: €1,250.00." in body


def test_the_budget_in_a_sent_email_is_money_in_the_recipients_language(
    personas, plan_message, django_capture_on_commit_callbacks
):
    employee = personas.employee
    employee.locale = "nl"
    employee.save()
    _budget_of(employee, "1250.00")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(message=plan_message, employee_ids=[employee.pk])
    (email,) = mail.outbox
    assert "Your budget: € 1.250,00." in email.body


def test_test_send_goes_only_to_me(personas, plan_message):
    services.message_test_send(message=plan_message, employee=personas.hr)
    (email,) = mail.outbox
    assert email.to == [personas.hr.email]
    assert "Hanna" in email.subject
    assert not Delivery.objects.exists()


def test_reach_counts_delivered_opened_clicked_and_enrolments(
    personas, plan, plan_message, django_capture_on_commit_callbacks
):
    services.plan_activate(plan=plan)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_messages_send_due()
    email = Delivery.objects.filter(channel="email").first()
    services.delivery_record_click(delivery_id=email.pk)
    sent = Delivery.objects.order_by("created_at").first().created_at
    # Enrolments by recipients (the catalog provides the count): two within 14 days, one after.
    for days, employee in ((1, personas.employee), (13, personas.manager), (15, personas.hr)):
        enrolment = EnrolmentFactory(employee=employee)
        type(enrolment).objects.filter(pk=enrolment.pk).update(requested_at=sent + timedelta(days=days))
    reach = selectors.message_reach(message=plan_message)
    audience = len(selectors.audience_ids(plan_message))
    assert reach["delivered"] == 2 * audience
    assert (reach["opened"], reach["clicked"], reach["enrolments"]) == (1, 1, 2)
    assert selectors.plan_reach(plan=plan)["delivered"] == 2 * audience


def test_coverage_shows_audiences_that_receive_nothing(org, personas, plan, plan_message):
    services.plan_message_save(
        plan=plan,
        message=plan_message,
        audience=Audience.of(K.DEPARTMENT, department=org["service"]),
        send_at=timezone.now() + timedelta(days=3),
    )
    services.plan_activate(plan=plan)
    rows = {(str(r["kind"]), r["name"]): r["count"] for r in selectors.coverage(start=timezone.now(), weeks=4)}
    assert rows[("Department", "Customer Service")] == 1
    assert rows[("Department", "Finance")] == 0
    assert rows[("Department", "Organisation")] == 0


def test_timeline_places_occurrences_in_their_week(plan, plan_message):
    services.plan_message_save(
        plan=plan, message=plan_message, when=When.RECURRING, recurrence="weekly", send_at=timezone.now()
    )
    weeks, triggered = selectors.plan_timeline(plan=plan, start=timezone.now(), weeks=4)
    assert [len(w["items"]) for w in weeks] == [1, 1, 1, 1]
    assert triggered == []
