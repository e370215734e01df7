"""Faults with real processes: Redis frozen (cache and broker), the mail server away, PostgreSQL
restarted. This process plays the web server; the worker and beat are real Celery processes; Redis
and PostgreSQL are the test's own (tests/ops/servers.py), the SMTP sink a local listener. For each
fault: the pages answer as they should during it, and afterwards every effect happened once."""

import time

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse

from catalog.models import Enrolment, ItemDepartmentStat, Status
from comms.models import Delivery, Message
from comms.services import message_send
from ops.models import Heartbeat, OutboxTask
from surveys.models import Invitation
from tests.catalog.factories import EnrolmentFactory, ItemFactory
from tests.comms.sinks import SmtpSink
from tests.conftest import make_person
from tests.factories import EmployeeFactory
from tests.ops.servers import free_port
from tests.workers import BeatProcess, WorkerProcess, wait_for

pytestmark = pytest.mark.usefixtures("require_postgres")
QUICK = {"BEAT_FREQUENT_SECONDS": "1", "COMMS_RETRY_BASE_SECONDS": "0.5", "COMMS_SWEEP_GRACE_SECONDS": "2"}


@pytest.fixture
def background(web_on, tmp_path, transactional_db):
    """A real worker and beat on the test's Redis; `start(email_url)` starts both."""
    started = []

    def start(email_url: str):
        env = {**QUICK, "EMAIL_URL": email_url}
        worker = WorkerProcess(redis_url=web_on.url, log_path=tmp_path / "worker.log", extra_env=env)
        worker.start()
        beat = BeatProcess(redis_url=web_on.url, log_path=tmp_path / "beat.log", extra_env=env)
        beat.start()
        started.extend([beat, worker])
        return worker

    yield start
    for process in started:
        process.stop()


def _email(n: int) -> tuple[Message, list[int]]:
    ids = [e.pk for e in EmployeeFactory.create_batch(n)]
    return Message.objects.create(key="faults", subject="Hi", body="B", channels=["email"]), ids


def test_with_redis_frozen_people_act_and_nothing_is_lost_or_doubled(
    background, web_on, client_for, employee, cheap_item
):
    with SmtpSink() as sink:
        background(sink.url)
        started = EnrolmentFactory(employee=employee, item=ItemFactory(), status=Status.STARTED)
        message, ids = _email(12)
        client = client_for(employee)
        web_on.freeze()
        try:
            assert client.get(reverse("home")).status_code == 200
            assert client.get(reverse("catalog:home")).status_code == 200
            assert (
                client.post(reverse("catalog:item_request", args=[cheap_item.pk]), {"motivation": "x"}).status_code
                == 302
            )
            done = client.post(reverse("catalog:enrolment_complete", args=[started.pk]), {"helped_in_work": "yes"})
            assert done.status_code == 302
            message_send(message=message, employee_ids=ids)  # what a plan's send does
            assert OutboxTask.objects.filter(sent_at__isnull=True).count() >= 2
            time.sleep(3)
        finally:
            web_on.thaw()
        wait_for(lambda: not OutboxTask.objects.filter(sent_at__isnull=True).exists(), timeout=60, message="relay")
        # Twelve of the message, the evaluation invitation the completed training started and the
        # notice that the request was approved at once.
        wait_for(lambda: sink.count >= 14, timeout=60, message="e-mail after the outage")
        wait_for(lambda: ItemDepartmentStat.objects.filter(item=started.item).exists(), timeout=30, message="stats")
        time.sleep(3)  # anything doubled would arrive now
        assert sink.count == 14, [(m["To"], m["Subject"]) for m in sink.messages]
        assert set(sink.message_ids.values()) == {1}
    assert Delivery.objects.filter(message=message, status="sent").count() == 12
    assert Invitation.objects.filter(survey__kind="evaluation", employee=employee, follow_up=False).count() == 1
    assert Enrolment.objects.filter(employee=employee, item=cheap_item, status=Status.APPROVED).count() == 1
    assert Enrolment.objects.get(pk=started.pk).status == Status.COMPLETED
    # The real worker and beat left their heartbeats for the readiness endpoint.
    assert set(Heartbeat.objects.values_list("name", flat=True)) == {"worker", "beat"}


def test_mail_server_away_then_back_each_email_goes_out_once(background, web_on):
    port = free_port()  # nobody listens yet: the mail server is down
    background(f"smtp://127.0.0.1:{port}")
    message, ids = _email(8)
    message_send(message=message, employee_ids=ids)
    wait_for(
        lambda: Delivery.objects.filter(message=message, attempts__gte=2).count() == 8,
        timeout=60,
        message="failed tries while the mail server is away",
    )
    assert not Delivery.objects.filter(message=message, status="sent").exists()
    with SmtpSink(port=port) as sink:
        wait_for(lambda: sink.count >= 8, timeout=90, message="e-mail once the server is back")
        time.sleep(3)
        assert sink.count == 8
        assert set(sink.message_ids.values()) == {1}
    assert Delivery.objects.filter(message=message, status="sent").count() == 8


def _get(client, url, **headers):
    """A request as the WSGI handler serves it: it checks kept connections first (the test client
    leaves that step out), which is where CONN_HEALTH_CHECKS acts."""
    close_old_connections()
    return client.get(url, **headers)


def _restart(server):
    server.stop()
    server.start()


def test_postgres_restart_is_survived_without_restarting_web_or_worker(own_postgres, client_for, tmp_path, web_on):
    employee = make_person("restart")
    item = ItemFactory()
    client = client_for(employee)
    client.raise_request_exception = False
    assert _get(client, reverse("home")).status_code == 200
    worker = WorkerProcess(redis_url=web_on.url, log_path=tmp_path / "worker.log")
    worker.start()
    try:
        own_postgres.stop()
        away = _get(client, reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
        assert away.status_code == 503
        assert b"Back in a moment" in away.content
        api = _get(client, "/api/v1/me/")
        assert api.status_code == 503
        assert api["Retry-After"] == "30"
        own_postgres.start()
        assert _get(client, reverse("home")).status_code == 200
        _restart(own_postgres)  # no request in between: the kept connection is dead
        assert _get(client, reverse("home")).status_code == 200
        EnrolmentFactory(employee=employee, item=item, status=Status.COMPLETED, rating=4)
        worker.send("catalog.item_stats_refresh", item.pk)
        wait_for(lambda: ItemDepartmentStat.objects.filter(item=item).count() == 1, timeout=60, message="worker")
    finally:
        worker.stop()


def test_control_without_health_checks_the_first_request_after_a_restart_fails(own_postgres, client_for):
    connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    client = client_for(make_person("control"))
    client.raise_request_exception = False
    assert _get(client, reverse("home")).status_code == 200
    _restart(own_postgres)
    assert _get(client, reverse("home")).status_code == 503
    assert _get(client, reverse("home")).status_code == 200
