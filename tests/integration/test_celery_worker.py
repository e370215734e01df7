"""A real Celery worker process on Redis runs a task and its effect reaches the database."""

import pytest

from people.models import Employee
from tests.factories import EmployeeFactory
from tests.workers import wait_for

pytestmark = [pytest.mark.redis]


def test_worker_runs_task_through_redis_and_writes_to_the_database(celery_worker_process, require_postgres):
    employee = EmployeeFactory(active=True)
    celery_worker_process.send("people.tasks.employee_deactivate_task", employee.pk)
    wait_for(
        lambda: not Employee.objects.get(pk=employee.pk).active,
        timeout=60,
        message="the worker to deactivate the employee",
    )
    assert "people.tasks.employee_deactivate_task" in celery_worker_process.log()


def test_task_defaults_ack_late_with_time_limits_and_retries():
    from config.celery import app
    from people.tasks import employee_deactivate_task

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit > 0
    assert employee_deactivate_task.retry_backoff is True
    assert employee_deactivate_task.max_retries == 5
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
