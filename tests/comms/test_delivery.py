"""The delivery layer in-process: fan-out, idempotency, preferences, rollback, the notify provider."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from comms import services
from comms.models import Channel, Delivery, Message, OptOut


def test_system_message_upsert_is_idempotent_by_key(db):
    first = services.system_message_upsert(key="policy.reminder.1", subject="A", body="B")
    second = services.system_message_upsert(key="policy.reminder.1", subject="A2", body="B2")
    assert first.pk == second.pk
    assert Message.objects.filter(key="policy.reminder.1").count() == 1
    second.refresh_from_db()
    assert (second.subject, second.channels) == ("A2", ["in_app", "email"])


def test_system_message_upsert_rejects_unknown_placeholder(db):
    with pytest.raises(ValidationError) as exc:
        services.system_message_upsert(key="k", subject="Hi {{ last_name }}", body="x")
    assert "{{ first_name }}" in str(exc.value)
    assert not Message.objects.exists()


def test_message_send_creates_one_delivery_per_recipient_and_channel(
    db, recipients, django_capture_on_commit_callbacks
):
    ids = recipients(5)
    message = services.system_message_upsert(key="k", subject="Hi {{ first_name }}", body="Body", link="/x/")
    with django_capture_on_commit_callbacks(execute=True):
        created = services.message_send(message=message, employee_ids=ids)
    assert created == 10
    assert Delivery.objects.filter(channel=Channel.IN_APP, status="sent").count() == 5
    assert Delivery.objects.filter(channel=Channel.EMAIL, status="sent").count() == 5
    assert len(mail.outbox) == 5
    assert {m.to[0] for m in mail.outbox} == set(
        Delivery.objects.filter(channel="email").values_list("employee__email", flat=True)
    )


def test_message_send_twice_adds_and_sends_nothing_new(db, recipients, django_capture_on_commit_callbacks):
    ids = recipients(3)
    message = services.system_message_upsert(key="k", subject="S", body="B")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.message_send(message=message, employee_ids=ids) == 6
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.message_send(message=message, employee_ids=[*ids, ids[0]]) == 0
    assert callbacks == []
    assert Delivery.objects.count() == 6
    assert len(mail.outbox) == 3


def test_inactive_and_unknown_employees_get_nothing(db, recipients):
    ids = recipients(2)
    from people.models import Employee

    Employee.objects.filter(pk=ids[0]).update(active=False)
    message = services.system_message_upsert(key="k", subject="S", body="B")
    assert services.message_send(message=message, employee_ids=[*ids, 999_999]) == 2
    assert set(Delivery.objects.values_list("employee_id", flat=True)) == {ids[1]}


def test_opt_out_is_respected_unless_mandatory(db, recipients):
    ids = recipients(2)
    OptOut.objects.create(employee_id=ids[0], channel=Channel.EMAIL, category="budgets")
    OptOut.objects.create(employee_id=ids[1], channel=Channel.IN_APP, category="")
    normal = services.system_message_upsert(key="n", subject="S", body="B", category="budgets")
    services.message_send(message=normal, employee_ids=ids)
    assert set(Delivery.objects.filter(message=normal).values_list("employee_id", "channel")) == {
        (ids[0], "in_app"),
        (ids[1], "email"),
    }
    mandatory = services.system_message_upsert(key="m", subject="S", body="B", category="budgets", mandatory=True)
    assert services.message_send(message=mandatory, employee_ids=ids) == 4


def test_rollback_sends_nothing(db, recipients, django_capture_on_commit_callbacks):
    ids = recipients(3)
    message = services.system_message_upsert(key="k", subject="S", body="B")

    def failing_transaction():
        with transaction.atomic():
            services.message_send(message=message, employee_ids=ids)
            raise RuntimeError("the caller's transaction fails")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_transaction()
    assert callbacks == []
    assert not Delivery.objects.exists()
    assert mail.outbox == []


def test_every_email_has_unsubscribe_link_open_pixel_and_stable_message_id(
    db, recipients, django_capture_on_commit_callbacks
):
    ids = recipients(1)
    message = services.system_message_upsert(key="k", subject="Hi {{ first_name }}", body="B", link="/catalog/")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(message=message, employee_ids=ids)
    (email,) = mail.outbox
    delivery = Delivery.objects.get(channel="email")
    assert "/comms/unsubscribe/" in email.body
    assert "/comms/unsubscribe/" in email.extra_headers["List-Unsubscribe"]
    assert "/comms/c/" in email.body
    html = email.alternatives[0][0]
    assert "/comms/o/" in html
    assert email.extra_headers["Message-ID"] == f"<delivery-{delivery.pk}.{message.pk}@leerborg>"
    assert email.subject == f"Hi {delivery.employee.first_name}"


def test_notify_wraps_upsert_and_send(db, recipients):
    ids = recipients(2)
    notify = services.notify
    assert notify(key="budgets.expiring.2026", employee_ids=ids, subject="S", body="B", category="budgets") == 4
    assert notify(key="budgets.expiring.2026", employee_ids=ids, subject="S", body="B", category="budgets") == 0
    assert Message.objects.get(key="budgets.expiring.2026").category == "budgets"


def test_failed_smtp_is_retried_then_failed_with_reason(db, recipients, settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.comms.backends.RefusingBackend"
    monkeypatch.setenv("COMMS_MAX_ATTEMPTS", "2")
    ids = recipients(1)
    message = services.system_message_upsert(key="k", subject="S", body="B")
    services.message_send(message=message, employee_ids=ids)
    delivery = Delivery.objects.get(channel="email")
    first = services.deliveries_send(message_id=message.pk, channel="email")
    delivery.refresh_from_db()
    assert (first.retry_in, delivery.status, delivery.attempts) == (30.0, "queued", 1)
    assert "refused" in delivery.error
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    services.deliveries_send(message_id=message.pk, channel="email")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert "refused" in delivery.error


def test_sent_marks_in_groups_still_mark_every_row_once(db, recipients, monkeypatch):
    monkeypatch.setenv("COMMS_MARK_EVERY", "3")
    ids = recipients(7)
    message = services.system_message_upsert(key="k", subject="S", body="B")
    services.message_send(message=message, employee_ids=ids)
    result = services.deliveries_send(message_id=message.pk, channel="email")
    assert result.sent == 7
    assert Delivery.objects.filter(channel="email", status="sent").count() == 7
    assert len(mail.outbox) == 7
    assert services.deliveries_send(message_id=message.pk, channel="email").sent == 0


def test_a_task_out_of_time_hands_the_rest_of_its_batch_to_a_new_task(db, recipients, monkeypatch):
    """A slow mail server must not make a task overrun its time limit with rows still claimed:
    past its budget the task releases what it has not tried and enqueues a follow-up."""
    monkeypatch.setenv("COMMS_SEND_BUDGET_SECONDS", "0")
    enqueued = []
    monkeypatch.setattr(services.delivery, "_enqueue_send", lambda *args: enqueued.append(args))
    ids = recipients(3)
    message = services.system_message_upsert(key="k", subject="S", body="B")
    services.message_send(message=message, employee_ids=ids)
    enqueued.clear()
    first = services.deliveries_send(message_id=message.pk, channel="email")
    assert (first.sent, first.failed, first.more) == (1, 0, True)
    assert enqueued == [(message.pk, "email", None, None, None)]
    rows = Delivery.objects.filter(message=message, channel="email")
    assert rows.filter(status="sent").count() == 1
    released = rows.filter(status="queued")
    assert released.count() == 2
    assert not released.exclude(claimed_at=None).exists()
    assert set(released.values_list("attempts", flat=True)) == {0}  # not tried: no attempt counted
    for _ in range(5):
        if not services.deliveries_send(message_id=message.pk, channel="email").more:
            break
    assert rows.filter(status="sent").count() == 3
    assert set(rows.values_list("attempts", flat=True)) == {1}
    assert len(mail.outbox) == 3


def test_sweep_finds_lost_and_dead_claims_but_leaves_a_fanout_that_is_progressing(db, recipients, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    enqueued = []
    monkeypatch.setattr(services.delivery, "_enqueue_send", lambda *args: enqueued.append(args))
    ids = recipients(4)
    hour_ago = timezone.now() - timedelta(hours=1)
    lost = services.system_message_upsert(key="lost", subject="S", body="B")
    draining = services.system_message_upsert(key="draining", subject="S", body="B")
    services.message_send(message=lost, employee_ids=ids)
    services.message_send(message=draining, employee_ids=ids)
    enqueued.clear()
    Delivery.objects.update(created_at=hour_ago)
    # one row of the draining message went out a moment ago: its queue is moving
    Delivery.objects.filter(message=draining, channel="email", employee_id=ids[0]).update(
        status="sent", sent_at=timezone.now()
    )
    # a row of it claimed an hour ago by a worker that died
    Delivery.objects.filter(message=draining, channel="email", employee_id=ids[1]).update(claimed_at=hour_ago)
    assert services.deliveries_recover() == 4 + 1
    assert {(a[0], a[2], a[3]) for a in enqueued} == {(lost.pk, ids[0], ids[3]), (draining.pk, ids[1], ids[1])}


def test_per_row_marks_over_smtp_mark_every_row_once_batch_after_batch_on_one_connection(
    transactional_db, require_postgres, recipients, settings, monkeypatch
):
    """The per-row mark is a statement prepared once per database connection: a second batch on
    the same (persistent) connection finds it prepared and marks its rows too."""
    from django.db import connection

    from tests.comms.sinks import SmtpSink

    monkeypatch.setattr(services.delivery, "_enqueue_send", lambda *args: None)  # sent below, in this process
    ids = recipients(6)
    first = services.system_message_upsert(key="k1", subject="Hi {{ first_name }}", body="B", link="/x/")
    second = services.system_message_upsert(key="k2", subject="Hello", body="B")
    services.message_send(message=first, employee_ids=ids)
    services.message_send(message=second, employee_ids=ids[:4])
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "comms.smtp_backend.PipeliningSMTPBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = sink.server.server_address
        backend = connection.connection
        one = services.deliveries_send(message_id=first.pk, channel="email")
        two = services.deliveries_send(message_id=second.pk, channel="email")
        assert connection.connection is backend
        assert sink.count == 10
        assert set(sink.message_ids.values()) == {1}
    assert (one.sent, one.failed, two.sent, two.failed) == (6, 0, 4, 0)
    emails = Delivery.objects.filter(channel="email")
    assert list(emails.values_list("status", flat=True).distinct()) == ["sent"]
    assert not emails.filter(sent_at=None).exists()
    assert not emails.exclude(claimed_at=None).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [services.sending._MARK_STATEMENT]
        )
        assert cursor.fetchone() == (1,)
